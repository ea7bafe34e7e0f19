#!/usr/bin/python3
"""Writes the small ONNX models under tests/data/ that the ONNX importer tests read.

Run with Debian's interpreter and apt's python3-onnx (no PyTorch needed):
    /usr/bin/python3 tests/data/make_onnx.py
The models are built with onnx.helper to look like PyTorch 2.x exports (node names
"/module/path/OpType", value names "<node>_output_0") made with export_params=False:
every parameter is a graph input with a declared shape and no initializer data, so the
files stay a few kilobytes. Only small int constants (reshape targets, split sizes) and
scalars are stored.

Files:
  resnet18.onnx       torchvision resnet18 (224x224, symbolic batch "batch_size"), BN kept
                      with running mean/var (eval-mode export without BN folding)
  gpt2_1layer.onnx    HF GPT-2 small with one block (d 768, 12 heads, 1024 tokens, vocab
                      50257): token + position embeddings, decomposed LayerNorm (opset<17
                      style), fused c_attn MatMul+Add, Split, Reshape/Transpose heads with
                      shape subgraphs, QK^T, Div by sqrt(64), causal mask (Where over a
                      Range/LessOrEqual mask), Softmax, AV, merge heads,
                      c_proj, residuals, tanh-GELU decomposition (gelu_new), MLP, ln_f as
                      a native LayerNormalization, LM head tied to wte via Transpose
  ops_zoo.onnx        one of each remaining supported op on small shapes
  resnet9_strided_16fmaps.onnx
                      PEFSL's few-shot backbone (brain-bzh/PEFSL resnet12_brain.py ResNet9,
                      feature_maps 16, use_strides) as model_to_onnx.py exports it: opset 10,
                      32x32 input, BatchNorm folded into the Conv biases (eval export),
                      LeakyRelu 0.1, the final mean replaced by GlobalAveragePool + Reshape
  unsupported.onnx    Round and NonMaxSuppression (not supported by the importer)
  missing_shape.onnx  a Reshape whose target is a runtime input: no static shape exists
  truncated.onnx      the first half of resnet18.onnx
"""
import math
import os

import onnx
from onnx import TensorProto as T
from onnx import helper as h

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17


class Net:
    """Accumulates nodes, parameter inputs and scalar constants of one graph."""

    def __init__(self):
        self.nodes, self.params, self.inits = [], [], []
        self.count = {}

    def node(self, scope, op, inputs, n_out=1, out=None, **attrs):
        key = f"{scope}/{op}"
        k = self.count.get(key, 0)
        self.count[key] = k + 1
        name = key if k == 0 else f"{key}_{k}"
        outs = [out] if out else [f"{name}_output_{i}" for i in range(n_out)]
        self.nodes.append(h.make_node(op, inputs, outs, name=name, **attrs))
        return outs[0] if n_out == 1 else outs

    def param(self, name, shape):
        self.params.append(h.make_tensor_value_info(name, T.FLOAT, shape))
        return name

    def const(self, scope, values, dtype=T.INT64, dims=None):
        dims = [len(values)] if dims is None else dims
        return self.node(scope, "Constant", [],
                         value=h.make_tensor("value", dtype, dims, values))

    def scalar(self, scope, v):
        return self.const(scope, [v], T.FLOAT, [])

    def save(self, file, inputs, outputs, opset=OPSET, ir_version=8):
        graph = h.make_graph(self.nodes, "main_graph", inputs + self.params, outputs,
                             initializer=self.inits)
        model = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)],
                             producer_name="monet-sim tests/data/make_onnx.py")
        model.ir_version = ir_version
        onnx.save(model, os.path.join(HERE, file))
        return model


# ---------------------------------------------------------------- ResNet-18 (torchvision)
def conv_bn(net, scope, conv, bn, x, cin, cout, k, stride, pad):
    prefix, path = (scope + ".") if scope else "", module_path(scope)
    w = net.param(f"{prefix}{conv}.weight", [cout, cin, k, k])
    y = net.node(f"{path}/{conv}", "Conv", [x, w], dilations=[1, 1], group=1,
                 kernel_shape=[k, k], pads=[pad] * 4, strides=[stride, stride])
    ins = [y] + [net.param(f"{prefix}{bn}.{n}", [cout]) for n in
                 ("weight", "bias", "running_mean", "running_var")]
    return net.node(f"{path}/{bn}", "BatchNormalization", ins, epsilon=1e-5, momentum=0.9)


def module_path(scope):
    """PyTorch 2 scope names: "layer1.0" is exported as "/layer1/layer1.0"."""
    if not scope:
        return ""
    parts = scope.split(".")
    return "".join("/" + ".".join(parts[:i + 1]) for i in range(len(parts)))


def resnet18():
    net = Net()
    x = "input"
    x = conv_bn(net, "", "conv1", "bn1", x, 3, 64, 7, 2, 3)
    x = net.node("/relu", "Relu", [x])
    x = net.node("/maxpool", "MaxPool", [x], ceil_mode=0, kernel_shape=[3, 3],
                 pads=[1, 1, 1, 1], strides=[2, 2])
    cin = 64
    for stage, width in enumerate([64, 128, 256, 512], start=1):
        for blk in range(2):
            scope = f"layer{stage}.{blk}"
            path = module_path(scope)
            stride = 2 if stage > 1 and blk == 0 else 1
            y = conv_bn(net, scope, "conv1", "bn1", x, cin, width, 3, stride, 1)
            y = net.node(f"{path}/relu", "Relu", [y])
            y = conv_bn(net, scope, "conv2", "bn2", y, width, width, 3, 1, 1)
            if stride != 1 or cin != width:
                w = net.param(f"{scope}.downsample.0.weight", [width, cin, 1, 1])
                s = net.node(f"{path}/downsample/downsample.0", "Conv", [x, w],
                             dilations=[1, 1], group=1, kernel_shape=[1, 1],
                             pads=[0, 0, 0, 0], strides=[stride, stride])
                p = f"{scope}.downsample.1"
                s = net.node(f"{path}/downsample/downsample.1", "BatchNormalization",
                             [s] + [net.param(f"{p}.{n}", [width]) for n in
                                    ("weight", "bias", "running_mean", "running_var")],
                             epsilon=1e-5, momentum=0.9)
            else:
                s = x
            y = net.node(path, "Add", [y, s])
            x = net.node(f"{path}/relu_1", "Relu", [y])
            cin = width
    x = net.node("/avgpool", "GlobalAveragePool", [x])
    x = net.node("", "Flatten", [x], axis=1)
    net.node("/fc", "Gemm", [x, net.param("fc.weight", [1000, 512]),
                             net.param("fc.bias", [1000])], out="output",
             alpha=1.0, beta=1.0, transB=1)
    return net.save("resnet18.onnx",
                    [h.make_tensor_value_info("input", T.FLOAT, ["batch_size", 3, 224, 224])],
                    [h.make_tensor_value_info("output", T.FLOAT, ["batch_size", 1000])])


# ---------------------------------------------------------------- GPT-2 with one block
D, HEADS, SEQ, VOCAB, POSITIONS = 768, 12, 1024, 50257, 1024
HD = D // HEADS


def layer_norm_decomposed(net, scope, prefix, x):
    """torch.nn.LayerNorm as exported at opset < 17."""
    m = net.node(scope, "ReduceMean", [x], axes=[-1], keepdims=1)
    d = net.node(scope, "Sub", [x, m])
    p = net.node(scope, "Pow", [d, net.scalar(scope, 2.0)])
    v = net.node(scope, "ReduceMean", [p], axes=[-1], keepdims=1)
    e = net.node(scope, "Add", [v, net.scalar(scope, 1e-5)])
    s = net.node(scope, "Sqrt", [e])
    n = net.node(scope, "Div", [d, s])
    y = net.node(scope, "Mul", [n, net.param(f"{prefix}.weight", [D])])
    return net.node(scope, "Add", [y, net.param(f"{prefix}.bias", [D])])


def conv1d(net, scope, prefix, x, nin, nout):
    """HF Conv1D (x @ W + b with W [in, out]) exports as MatMul + Add."""
    y = net.node(scope, "MatMul", [x, net.param(f"{prefix}.weight", [nin, nout])])
    return net.node(scope, "Add", [net.param(f"{prefix}.bias", [nout]), y])


def dims_of(net, scope, x, idx):
    """Shape(x)[idx] as a 1-D tensor, the way the exporter computes view() arguments."""
    s = net.node(scope, "Shape", [x])
    g = net.node(scope, "Gather", [s, net.const(scope, [idx], dims=[])], axis=0)
    return net.node(scope, "Unsqueeze", [g, net.const(scope, [0])])


def gpt2_1layer():
    net = Net()
    ids = "input_ids"
    wte = net.param("transformer.wte.weight", [VOCAB, D])
    wpe = net.param("transformer.wpe.weight", [POSITIONS, D])
    # position_ids = arange(0, seq).unsqueeze(0), computed from the input's shape.
    seq = net.node("/transformer", "Gather",
                   [net.node("/transformer", "Shape", [ids]), net.const("/transformer", [1], dims=[])],
                   axis=0)
    pos = net.node("/transformer", "Range",
                   [net.const("/transformer", [0], dims=[]), seq, net.const("/transformer", [1], dims=[])])
    pos = net.node("/transformer", "Unsqueeze", [pos, net.const("/transformer", [0])])
    tok = net.node("/transformer/wte", "Gather", [wte, ids])
    pe = net.node("/transformer/wpe", "Gather", [wpe, pos])
    x = net.node("/transformer", "Add", [tok, pe])

    b = "/transformer/h.0"
    y = layer_norm_decomposed(net, f"{b}/ln_1", "transformer.h.0.ln_1", x)
    qkv = conv1d(net, f"{b}/attn/c_attn", "transformer.h.0.attn.c_attn", y, D, 3 * D)
    q, k, v = net.node(f"{b}/attn", "Split", [qkv, net.const(f"{b}/attn", [D, D, D])],
                       n_out=3, axis=2)
    heads = []
    for t, perm in ((q, [0, 2, 1, 3]), (k, [0, 2, 3, 1]), (v, [0, 2, 1, 3])):
        # view(batch, seq, heads, head_dim): batch and seq come from Shape(t).
        target = net.node(f"{b}/attn", "Concat",
                          [dims_of(net, f"{b}/attn", t, 0), dims_of(net, f"{b}/attn", t, 1),
                           net.const(f"{b}/attn", [HEADS, HD])], axis=0)
        r = net.node(f"{b}/attn", "Reshape", [t, target])
        heads.append(net.node(f"{b}/attn", "Transpose", [r], perm=perm))
    q, kt, v = heads
    s = net.node(f"{b}/attn", "MatMul", [q, kt])
    s = net.node(f"{b}/attn", "Div", [s, net.scalar(f"{b}/attn", math.sqrt(HD))])
    # causal mask: torch.where(causal_mask, scores, finfo.min), the mask built from the key
    # length (Range, Unsqueeze, LessOrEqual) rather than read from the 1024x1024 buffer
    a = f"{b}/attn"
    ar = net.node(a, "Range", [net.const(a, [0], dims=[]), shape_dim(net, a, s, 3),
                               net.const(a, [1], dims=[])])
    causal = net.node(a, "LessOrEqual", [net.node(a, "Unsqueeze", [ar, net.const(a, [0])]),
                                         net.node(a, "Unsqueeze", [ar, net.const(a, [1])])])
    s = net.node(a, "Where", [causal, s, net.scalar(a, -3.4028234663852886e38)])
    p = net.node(f"{b}/attn", "Softmax", [s], axis=-1)
    a = net.node(f"{b}/attn", "MatMul", [p, v])
    a = net.node(f"{b}/attn", "Transpose", [a], perm=[0, 2, 1, 3])
    # merge heads with a constant target; 0 copies the input's batch and sequence dims.
    a = net.node(f"{b}/attn", "Reshape", [a, net.const(f"{b}/attn", [0, 0, D])])
    a = conv1d(net, f"{b}/attn/c_proj", "transformer.h.0.attn.c_proj", a, D, D)
    x = net.node(b, "Add", [a, x])
    y = layer_norm_decomposed(net, f"{b}/ln_2", "transformer.h.0.ln_2", x)
    y = conv1d(net, f"{b}/mlp/c_fc", "transformer.h.0.mlp.c_fc", y, D, 4 * D)
    # gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    act = f"{b}/mlp/act"
    half = net.node(act, "Mul", [net.scalar(act, 0.5), y])
    cube = net.node(act, "Pow", [y, net.scalar(act, 3.0)])
    inner = net.node(act, "Add", [y, net.node(act, "Mul", [net.scalar(act, 0.044715), cube])])
    t = net.node(act, "Tanh", [net.node(act, "Mul", [net.scalar(act, math.sqrt(2 / math.pi)), inner])])
    y = net.node(act, "Mul", [half, net.node(act, "Add", [net.scalar(act, 1.0), t])])
    y = conv1d(net, f"{b}/mlp/c_proj", "transformer.h.0.mlp.c_proj", y, 4 * D, D)
    x = net.node(b, "Add", [x, y])
    x = net.node("/transformer/ln_f", "LayerNormalization",
                 [x, net.param("transformer.ln_f.weight", [D]),
                  net.param("transformer.ln_f.bias", [D])], axis=-1, epsilon=1e-5)
    wt = net.node("/lm_head", "Transpose", [wte], perm=[1, 0])
    net.node("/lm_head", "MatMul", [x, wt], out="logits")
    return net.save("gpt2_1layer.onnx",
                    [h.make_tensor_value_info("input_ids", T.INT64, ["batch_size", SEQ])],
                    [h.make_tensor_value_info("logits", T.FLOAT, ["batch_size", SEQ, VOCAB])])


# ---------------------------------------------------------------- one of each other op
def ops_zoo():
    net = Net()
    x = net.node("/dw", "Conv", ["x", net.param("dw.weight", [8, 1, 3, 3])], group=8,
                 kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])           # 2x8x8x8
    x = net.node("/hs", "HardSwish", [x])
    x = net.node("/pw", "Conv", [x, net.param("pw.weight", [16, 8, 1, 1]),
                                 net.param("pw.bias", [16])])                      # 2x16x8x8
    x = net.node("/dil", "Conv", [x, net.param("dil.weight", [16, 8, 3, 3])], group=2,
                 dilations=[2, 2], pads=[2, 2, 2, 2])                               # 2x16x8x8
    x = net.node("/act", "Mul", [x, net.node("/act", "Sigmoid", [x])])             # SiLU
    x = net.node("/lrelu", "LeakyRelu", [x], alpha=0.1)
    se = net.node("/se", "ReduceMean", [x], axes=[2, 3], keepdims=1)               # 2x16x1x1
    x = net.node("/se", "Mul", [x, net.node("/se", "Sigmoid", [se])])
    x = net.node("/pool", "AveragePool", [x], kernel_shape=[2, 2], strides=[2, 2])  # 2x16x4x4
    t = net.node("/tanh", "Tanh", [x])
    x = net.node("/cat", "Concat", [x, t], axis=1)                                  # 2x32x4x4
    x = net.node("/asym", "Conv", [x, net.param("asym.weight", [8, 32, 3, 3])],
                 pads=[0, 0, 1, 1], strides=[2, 2])                                 # 2x8x2x2
    x = net.node("/mp", "MaxPool", [x], kernel_shape=[2, 2], pads=[0, 0, 1, 1],
                 strides=[1, 1])                                                    # 2x8x2x2
    x = net.node("", "Flatten", [x], axis=1)                                        # 2x32
    x = net.node("", "Reshape", [x, net.const("", [-1, 4, 8])])                     # 2x4x8
    x = net.node("/ln", "LayerNormalization",
                 [x, net.param("ln.weight", [8]), net.param("ln.bias", [8])], axis=-1)
    q = net.node("/q", "MatMul", [x, net.param("q.weight", [8, 8])])
    k = net.node("/k", "MatMul", [x, net.param("k.weight", [8, 8])])
    kt = net.node("", "Transpose", [k], perm=[0, 2, 1])                             # 2x8x4
    s = net.node("/qk", "MatMul", [q, kt])                                          # 2x4x4
    s = net.node("/sm", "Softmax", [s], axis=-1)
    a = net.node("/av", "MatMul", [s, x])                                           # 2x4x8
    # nn.GELU() (erf form): x * 0.5 * (1 + erf(x / sqrt(2)))
    e = net.node("/gelu", "Erf", [net.node("/gelu", "Div", [a, net.scalar("/gelu", math.sqrt(2))])])
    g = net.node("/gelu", "Mul", [a, net.node("/gelu", "Add", [e, net.scalar("/gelu", 1.0)])])
    g = net.node("/gelu", "Mul", [g, net.scalar("/gelu", 0.5)])
    y = net.node("/res", "Sub", [g, a])
    y = net.node("/res", "Div", [y, x])
    net.node("/sl", "Slice", [y, net.const("/sl", [1]), net.const("/sl", [3]),
                              net.const("/sl", [1])], out="tokens")                 # 2x2x8
    cls = net.node("/cls", "Gather", [y, net.const("/cls", [0], dims=[])], axis=1)  # 2x8
    cls = net.node("/cls", "Unsqueeze", [cls, net.const("/cls", [1])])              # 2x1x8
    cls = net.node("/cls", "Squeeze", [cls, net.const("/cls", [1])])                # 2x8
    net.node("/head", "Gemm", [cls, net.param("head.weight", [8, 10]),
                               net.param("head.bias", [10])], out="logits")         # 2x10
    return net.save("ops_zoo.onnx",
                    [h.make_tensor_value_info("x", T.FLOAT, [2, 8, 16, 16])],
                    [h.make_tensor_value_info("logits", T.FLOAT, [2, 10]),
                     h.make_tensor_value_info("tokens", T.FLOAT, [2, 2, 8])])


# ---------------------------------------------------------------- PEFSL ResNet-9
def resnet9_strided_16fmaps():
    """Three BasicBlockRN12 (3->16->40->80 channels): conv1, conv2 (3x3, LeakyRelu), conv3
    (3x3, stride 2) plus a 1x1 stride-2 shortcut conv, summed, LeakyRelu. No max-pool
    (use_strides), so 32x32 -> 16 -> 8 -> 4, then the spatial mean."""
    net = Net()
    x, cin = "input", 3
    for blk, width in enumerate([16, 40, 80], start=1):
        scope = f"/block{blk}"

        def conv(name, src, ci, k, stride):
            w = net.param(f"block{blk}.{name}.conv.weight", [width, ci, k, k])
            b = net.param(f"block{blk}.{name}.conv.bias", [width])  # the folded BatchNorm
            return net.node(f"{scope}/{name}/conv", "Conv", [src, w, b], dilations=[1, 1],
                            group=1, kernel_shape=[k, k], pads=[k // 2] * 4,
                            strides=[stride, stride])

        y = net.node(f"{scope}/conv1", "LeakyRelu", [conv("conv1", x, cin, 3, 1)], alpha=0.1)
        y = net.node(f"{scope}/conv2", "LeakyRelu", [conv("conv2", y, width, 3, 1)], alpha=0.1)
        y = conv("conv3", y, width, 3, 2)
        y = net.node(scope, "Add", [y, conv("sc", x, cin, 1, 2)])
        x, cin = net.node(scope, "LeakyRelu", [y], alpha=0.1), width
    x = net.node("", "GlobalAveragePool", [x])
    reshape_dim = h.make_tensor("Reshape_dim", T.INT64, [2], [1, 80])
    net.inits.append(reshape_dim)
    net.node("", "Reshape", [x, "Reshape_dim"], out="Output")
    # opset 10 is "mandatory for tensil" (model_to_onnx.py); its exports carry IR version 5.
    return net.save("resnet9_strided_16fmaps.onnx",
                    [h.make_tensor_value_info("input", T.FLOAT, [1, 3, 32, 32])],
                    [h.make_tensor_value_info("Output", T.FLOAT, [1, 80])], opset=10, ir_version=5)


# ---------------------------------------------------------------- PyTorch export patterns
def shape_dim(net, scope, x, idx):
    """x.shape[idx] as torch.onnx traces it: a 0-d int64 from Shape -> Gather."""
    return net.node(scope, "Gather", [net.node(scope, "Shape", [x]),
                                      net.const(scope, [idx], dims=[])], axis=0)


def unsq(net, scope, v):
    return net.node(scope, "Unsqueeze", [v, net.const(scope, [0])])


def linear(net, scope, prefix, x, nin, nout):
    """nn.Linear at opset >= 13 on a 3-D input: MatMul by the transposed weight, then Add."""
    y = net.node(scope, "MatMul", [x, net.param(f"{prefix}.weight_t", [nin, nout])])
    return net.node(scope, "Add", [net.param(f"{prefix}.bias", [nout]), y])


def silu(net, scope, x):
    return net.node(scope, "Mul", [x, net.node(scope, "Sigmoid", [x])])


MV_C, MV_D, MV_HEADS, MV_FFN, MV_HW = 16, 24, 2, 48, 8


def mobilevit_block():
    """A MobileViT block (Hugging Face MobileViTLayer: 3x3 conv, 1x1 conv to d, unfold into
    2x2 patches, one transformer layer, fold, 1x1 projection, concat with the input, 3x3 fusion
    conv), exported the way torch.onnx traces it with a dynamic batch: every view() target is
    built from Shape -> Gather -> (Cast -> Div -> Floor -> Cast | Mul) -> Unsqueeze -> Concat,
    transpose_for_scores slices Shape(x)[:-1], an all-zero additive mask comes from Range,
    Less, Where and Expand over the sequence length, and the block ends with a crop
    y[:, :, :H, :W] whose bounds are Shape -> Gather -> Unsqueeze -> Concat."""
    net = Net()
    c, d, hd = MV_C, MV_D, MV_D // MV_HEADS
    b, x0 = "/layer", "pixel_values"
    y = net.node(f"{b}/conv_kxk/convolution", "Conv",
                 [x0, net.param("conv_kxk.weight", [c, c, 3, 3]), net.param("conv_kxk.bias", [c])],
                 kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    y = silu(net, f"{b}/conv_kxk/activation", y)
    y = net.node(f"{b}/conv_1x1/convolution", "Conv", [y, net.param("conv_1x1.weight", [d, c, 1, 1])],
                 kernel_shape=[1, 1])
    # unfolding: batch, channels, height, width = features.shape
    u = f"{b}/unfolding"
    batch, chans = shape_dim(net, u, y, 0), shape_dim(net, u, y, 1)
    height = shape_dim(net, u, y, 2)
    # num_patch_height = height // 2, traced through floats (math.floor(height / 2)).
    hf = net.node(u, "Cast", [height], to=T.FLOAT)
    nph = net.node(u, "Cast", [net.node(u, "Floor", [net.node(u, "Div", [hf, net.scalar(u, 2.0)])])],
                   to=T.INT64)
    rows = net.node(u, "Mul", [net.node(u, "Mul", [batch, chans]), nph])
    t = net.node(u, "Concat", [unsq(net, u, rows), net.const(u, [2, MV_HW // 2, 2])], axis=0)
    y = net.node(u, "Reshape", [y, t])
    y = net.node(u, "Transpose", [y], perm=[0, 2, 1, 3])
    t = net.node(u, "Concat", [unsq(net, u, batch), unsq(net, u, chans),
                               net.const(u, [(MV_HW // 2) ** 2, 4])], axis=0)
    y = net.node(u, "Reshape", [y, t])
    y = net.node(u, "Transpose", [y], perm=[0, 3, 2, 1])
    t = net.node(u, "Concat", [unsq(net, u, net.node(u, "Mul", [batch, net.const(u, [4], dims=[])])),
                               net.const(u, [(MV_HW // 2) ** 2, -1])], axis=0)
    x = net.node(u, "Reshape", [y, t])                                 # [4B, 16, d]
    # one transformer layer
    L = f"{b}/transformer/layer.0"
    h = net.node(f"{L}/layernorm_before", "LayerNormalization",
                 [x, net.param("layer.0.layernorm_before.weight", [d]),
                  net.param("layer.0.layernorm_before.bias", [d])], axis=-1, epsilon=1e-5)
    A = f"{L}/attention/attention"

    def heads(v):
        # x.size()[:-1] + (heads, head_size)
        dims = net.node(A, "Slice", [net.node(A, "Shape", [v]), net.const(A, [0]),
                                     net.const(A, [-1]), net.const(A, [0])])
        r = net.node(A, "Reshape", [v, net.node(A, "Concat", [dims, net.const(A, [MV_HEADS, hd])],
                                                axis=0)])
        return net.node(A, "Transpose", [r], perm=[0, 2, 1, 3])

    q = heads(linear(net, f"{A}/query", "layer.0.attention.attention.query", h, d, d))
    k = heads(linear(net, f"{A}/key", "layer.0.attention.attention.key", h, d, d))
    v = heads(linear(net, f"{A}/value", "layer.0.attention.attention.value", h, d, d))
    s = net.node(A, "MatMul", [q, net.node(A, "Transpose", [k], perm=[0, 1, 3, 2])])
    s = net.node(A, "Div", [s, net.scalar(A, math.sqrt(hd))])
    # an all-zero additive mask over the sequence, computed from its length
    seq = shape_dim(net, A, q, 2)
    ar = net.node(A, "Range", [net.const(A, [0], dims=[]), seq, net.const(A, [1], dims=[])])
    lower = net.node(A, "Less", [net.node(A, "Unsqueeze", [ar, net.const(A, [0])]),
                                 net.node(A, "Unsqueeze", [ar, net.const(A, [1])])])
    mask = net.node(A, "Where", [lower, net.scalar(A, 0.0), net.scalar(A, 0.0)])
    full = net.node(A, "Concat", [net.const(A, [1, 1]), unsq(net, A, seq), unsq(net, A, seq)],
                    axis=0)
    mask = net.node(A, "Expand", [mask, full])
    s = net.node(A, "Add", [s, mask])
    p = net.node(A, "Softmax", [s], axis=-1)
    a = net.node(A, "MatMul", [p, v])
    a = net.node(A, "Transpose", [a], perm=[0, 2, 1, 3])
    dims = net.node(A, "Slice", [net.node(A, "Shape", [a]), net.const(A, [0]), net.const(A, [-2]),
                                 net.const(A, [0])])
    a = net.node(A, "Reshape", [a, net.node(A, "Concat", [dims, net.const(A, [d])], axis=0)])
    a = linear(net, f"{L}/attention/output/dense", "layer.0.attention.output.dense", a, d, d)
    x = net.node(L, "Add", [a, x])
    h = net.node(f"{L}/layernorm_after", "LayerNormalization",
                 [x, net.param("layer.0.layernorm_after.weight", [d]),
                  net.param("layer.0.layernorm_after.bias", [d])], axis=-1, epsilon=1e-5)
    h = linear(net, f"{L}/intermediate/dense", "layer.0.intermediate.dense", h, d, MV_FFN)
    h = silu(net, f"{L}/intermediate/intermediate_act_fn", h)
    h = linear(net, f"{L}/output/dense", "layer.0.output.dense", h, MV_FFN, d)
    x = net.node(L, "Add", [h, x])
    x = net.node(f"{b}/layernorm", "LayerNormalization",
                 [x, net.param("layernorm.weight", [d]), net.param("layernorm.bias", [d])],
                 axis=-1, epsilon=1e-5)
    # folding back to [B, d, H, W]
    f = f"{b}/folding"
    fb = net.node(f, "Div", [shape_dim(net, f, x, 0), net.const(f, [4], dims=[])])
    t = net.node(f, "Concat", [unsq(net, f, fb), net.const(f, [4, (MV_HW // 2) ** 2, -1])], axis=0)
    y = net.node(f, "Reshape", [x, t])
    y = net.node(f, "Transpose", [y], perm=[0, 3, 2, 1])
    t = net.node(f, "Concat", [unsq(net, f, net.node(f, "Mul", [fb, net.const(f, [d * MV_HW // 2],
                                                                               dims=[])])),
                               net.const(f, [MV_HW // 2, 2, 2])], axis=0)
    y = net.node(f, "Reshape", [y, t])
    y = net.node(f, "Transpose", [y], perm=[0, 2, 1, 3])
    t = net.node(f, "Concat", [unsq(net, f, fb), net.const(f, [d, MV_HW, MV_HW])], axis=0)
    y = net.node(f, "Reshape", [y, t])
    y = net.node(f"{b}/conv_projection/convolution", "Conv",
                 [y, net.param("conv_projection.weight", [c, d, 1, 1]),
                  net.param("conv_projection.bias", [c])], kernel_shape=[1, 1])
    y = silu(net, f"{b}/conv_projection/activation", y)
    y = net.node(b, "Concat", [x0, y], axis=1)
    y = net.node(f"{b}/fusion/convolution", "Conv",
                 [y, net.param("fusion.weight", [c, 2 * c, 3, 3]), net.param("fusion.bias", [c])],
                 kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    y = silu(net, f"{b}/fusion/activation", y)
    # crop to the input's size: y[:, :, :H, :W]
    ends = net.node(b, "Concat", [unsq(net, b, shape_dim(net, b, x0, 2)),
                                  unsq(net, b, shape_dim(net, b, x0, 3))], axis=0)
    net.node(b, "Slice", [y, net.const(b, [0, 0]), ends, net.const(b, [2, 3]), net.const(b, [1, 1])],
             out="features")
    return net.save("mobilevit_block.onnx",
                    [h_vi("pixel_values", ["batch_size", c, MV_HW, MV_HW])],
                    [h_vi("features", ["batch_size", c, MV_HW, MV_HW])])


def export_ops():
    """The op types PyTorch and tf2onnx exports of CNNs emit beyond torchvision's ResNet: an
    explicit constant Pad before a stride-2 Conv (TF's SAME padding, 0 before and 1 after), a
    symmetric Pad before a depthwise Conv, a reflect Pad, Clip as ReLU6 (min/max inputs),
    HardSwish, a squeeze-excite gate with HardSigmoid, a grouped dilated Conv, Resize (nearest
    by scales, linear by sizes), Flatten, Unsqueeze, Split with a sizes input, LayerNorm without
    bias, Keras' LayerNorm as tf2onnx writes it (SquaredDifference and Rsqrt spelled out),
    Hugging Face's erf GELU (0.5 * x first), Squeeze and a Gemm classifier."""
    net = Net()
    x = net.node("/pad0", "Pad", ["x", net.const("/pad0", [0, 0, 0, 0, 0, 0, 1, 1])],
                 mode="constant")                                                  # 1x3x17x17
    x = net.node("/conv0", "Conv", [x, net.param("conv0.weight", [8, 3, 3, 3]),
                                    net.param("conv0.bias", [8])],
                 kernel_shape=[3, 3], strides=[2, 2])                              # 1x8x8x8
    x = net.node("/relu6", "Clip", [x, net.scalar("/relu6", 0.0), net.scalar("/relu6", 6.0)])
    x = net.node("/pad1", "Pad", [x, net.const("/pad1", [0, 0, 1, 1, 0, 0, 1, 1])])   # 1x8x10x10
    x = net.node("/dw", "Conv", [x, net.param("dw.weight", [8, 1, 3, 3]), net.param("dw.bias", [8])],
                 group=8, kernel_shape=[3, 3])                                      # 1x8x8x8
    x = net.node("/hswish", "HardSwish", [x])
    se = net.node("/se/avgpool", "GlobalAveragePool", [x])                           # 1x8x1x1
    se = net.node("/se/fc1", "Conv", [se, net.param("se.fc1.weight", [4, 8, 1, 1]),
                                      net.param("se.fc1.bias", [4])], kernel_shape=[1, 1])
    se = net.node("/se/relu", "Relu", [se])
    se = net.node("/se/fc2", "Conv", [se, net.param("se.fc2.weight", [8, 4, 1, 1]),
                                      net.param("se.fc2.bias", [8])], kernel_shape=[1, 1])
    se = net.node("/se/gate", "HardSigmoid", [se], alpha=1.0 / 6, beta=0.5)
    x = net.node("/se", "Mul", [x, se])
    x = net.node("/dil", "Conv", [x, net.param("dil.weight", [16, 4, 3, 3]),
                                  net.param("dil.bias", [16])],
                 group=2, dilations=[2, 2], kernel_shape=[3, 3], pads=[2, 2, 2, 2])  # 1x16x8x8
    x = net.node("/reflect", "Pad", [x, net.const("/reflect", [0, 0, 1, 1, 0, 0, 1, 1])],
                 mode="reflect")                                                   # 1x16x10x10
    x = net.node("/conv1", "Conv", [x, net.param("conv1.weight", [16, 16, 3, 3]),
                                    net.param("conv1.bias", [16])], kernel_shape=[3, 3])  # 8x8
    x = net.node("/up", "Resize", [x, "", net.const("/up", [1.0, 1.0, 2.0, 2.0], T.FLOAT)],
                 mode="nearest")                                                   # 1x16x16x16
    x = net.node("/conv2", "Conv", [x, net.param("conv2.weight", [8, 16, 1, 1]),
                                    net.param("conv2.bias", [8])], kernel_shape=[1, 1])
    x = net.node("/down", "Resize", [x, "", "", net.const("/down", [1, 8, 8, 8])],
                 mode="linear")                                                    # 1x8x8x8
    x = net.node("", "Flatten", [x], axis=1)                                        # 1x512
    x = net.node("", "Unsqueeze", [x, net.const("", [1])])                          # 1x1x512
    a, b = net.node("/split", "Split", [x, net.const("/split", [256, 256])], n_out=2, axis=2)
    a = net.node("/ln_a", "LayerNormalization", [a, net.param("ln_a.weight", [256])], axis=-1)
    # tf2onnx's Keras LayerNormalization: x * inv + (beta - mean * inv), inv = gamma / sqrt(var)
    t = "/ln_b"
    mean = net.node(t, "ReduceMean", [b], axes=[-1], keepdims=1)
    diff = net.node(t, "Sub", [b, mean])
    var = net.node(t, "ReduceMean", [net.node(t, "Mul", [diff, diff])], axes=[-1], keepdims=1)
    std = net.node(t, "Sqrt", [net.node(t, "Add", [var, net.scalar(t, 1e-3)])])
    inv = net.node(t, "Mul", [net.node(t, "Reciprocal", [std]), net.param("ln_b.gamma", [256])])
    shift = net.node(t, "Sub", [net.param("ln_b.beta", [256]), net.node(t, "Mul", [mean, inv])])
    b = net.node(t, "Add", [net.node(t, "Mul", [b, inv]), shift])
    x = net.node("/cat", "Concat", [a, b], axis=2)                                   # 1x1x512
    # Hugging Face gelu: 0.5 * x * (1 + erf(x / sqrt(2)))
    g = "/gelu"
    half = net.node(g, "Mul", [net.scalar(g, 0.5), x])
    erf = net.node(g, "Erf", [net.node(g, "Div", [x, net.scalar(g, math.sqrt(2))])])
    x = net.node(g, "Mul", [half, net.node(g, "Add", [net.scalar(g, 1.0), erf])])
    x = net.node("", "Squeeze", [x, net.const("", [1])])                            # 1x512
    net.node("/fc", "Gemm", [x, net.param("fc.weight", [10, 512]), net.param("fc.bias", [10])],
             out="logits", transB=1)
    return net.save("export_ops.onnx", [h_vi("x", [1, 3, 16, 16])], [h_vi("logits", [1, 10])])


def upsample_opset9():
    """Upsample (deprecated since opset 10) as older exporters wrote it: scales as an input."""
    net = Net()
    x = net.node("/up", "Upsample", ["x", net.const("/up", [1.0, 1.0, 2.0, 2.0], T.FLOAT)],
                 mode="nearest")                                                   # 1x4x8x8
    net.node("/conv", "Conv", [x, net.param("conv.weight", [4, 4, 1, 1])], kernel_shape=[1, 1],
             out="y")
    return net.save("upsample_opset9.onnx", [h_vi("x", [1, 4, 4, 4])], [h_vi("y", [1, 4, 8, 8])],
                    opset=9, ir_version=4)


def h_vi(name, shape, dtype=T.FLOAT):
    return h.make_tensor_value_info(name, dtype, shape)


# ---------------------------------------------------------------- error cases
def unsupported():
    net = Net()
    y = net.node("/conv", "Conv", ["x", net.param("conv.weight", [4, 3, 3, 3])], pads=[1] * 4)
    y = net.node("/round", "Round", [y])
    net.node("/relu", "Relu", [y], out="features")
    net.node("/nms", "NonMaxSuppression", ["boxes", "scores"], out="selected")
    return net.save("unsupported.onnx",
                    [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8]),
                     h.make_tensor_value_info("boxes", T.FLOAT, [1, 10, 4]),
                     h.make_tensor_value_info("scores", T.FLOAT, [1, 1, 10])],
                    [h.make_tensor_value_info("features", T.FLOAT, [1, 4, 8, 8]),
                     h.make_tensor_value_info("selected", T.INT64, [None, 3])])


def missing_shape():
    net = Net()
    y = net.node("/conv", "Conv", ["x", net.param("conv.weight", [4, 3, 3, 3])], pads=[1] * 4)
    y = net.node("/reshape", "Reshape", [y, "target_shape"])
    net.node("/relu", "Relu", [y], out="y")
    return net.save("missing_shape.onnx",
                    [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8]),
                     h.make_tensor_value_info("target_shape", T.INT64, [2])],
                    [h.make_tensor_value_info("y", T.FLOAT, ["rows", "cols"])])


# ---------------------------------------------------------------- malformed graphs
# Inputs that once crashed the importer (issue 17: libonnx's shape inference on unchecked
# graphs, a protobuf CHECK on a one-input Conv) or overflowed its sizes. They live with the
# fuzzer's findings and are replayed by CTest; onnx_import_test.cpp checks their messages.
FUZZ = os.path.join(HERE, "fuzz", "onnx_import")


def save_malformed(name, nodes, inputs, outputs, inits=()):
    graph = h.make_graph(nodes, "main_graph", inputs, outputs, initializer=list(inits))
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)],
                         producer_name="monet-sim tests/data/make_onnx.py")
    model.ir_version = 8
    os.makedirs(FUZZ, exist_ok=True)
    onnx.save(model, os.path.join(FUZZ, name + ".onnx"))


def malformed():
    big = 2 ** 24
    save_malformed("shape_of_undefined", [h.make_node("Shape", ["nothing"], ["s"], name="/shape"),
                                          h.make_node("Reshape", ["x", "s"], ["y"], name="/view")],
                   [h_vi("x", [1, 4])], [h_vi("y", ["a", "b"])])
    save_malformed("conv_rank_mismatch",
                   [h.make_node("Conv", ["x", "w"], ["y"], name="/conv")],
                   [h_vi("x", [1, 3, 8]), h_vi("w", [4, 3, 3, 3])], [h_vi("y", ["a", "b", "c"])])
    save_malformed("conv_one_input", [h.make_node("Conv", ["x"], ["y"], name="/conv",
                                                  kernel_shape=[3, 3])],
                   [h_vi("x", [1, 3, 8, 8])], [h_vi("y", ["a", "b", "c", "d"])])
    save_malformed("conv_zero_stride",
                   [h.make_node("Conv", ["x", "w"], ["y"], name="/conv", strides=[0, 0])],
                   [h_vi("x", [1, 3, 8, 8]), h_vi("w", [4, 3, 3, 3])],
                   [h_vi("y", ["a", "b", "c", "d"])])
    save_malformed("cycle", [h.make_node("Relu", ["x", ], ["a"], name="/a"),
                             h.make_node("Add", ["a", "c"], ["b"], name="/b"),
                             h.make_node("Relu", ["b"], ["c"], name="/c")],
                   [h_vi("x", [1, 4])], [h_vi("c", [1, 4])])
    # An input of 2^63 - 1 elements before a linear layer (it once printed "forward MACs -10").
    save_malformed("huge_input", [h.make_node("MatMul", ["x", "w"], ["y"], name="/fc")],
                   [h_vi("x", [1, 2 ** 63 - 1]), h_vi("w", [2 ** 63 - 1, 10])],
                   [h_vi("y", [1, 10])])
    # Every tensor within bounds (2^48 elements), but 2^72 MACs: more than int64 holds.
    save_malformed("conv_macs_overflow", [h.make_node("Conv", ["x", "w"], ["y"], name="/conv",
                                                      kernel_shape=[1, 1])],
                   [h_vi("x", [1, big, 4096, 4096]), h_vi("w", [big, big, 1, 1])],
                   [h_vi("y", [1, big, 4096, 4096])])
    # Found by fuzz/onnx_import.cpp: LayerNormalization with axis 2^31 and its Mean output made
    # libonnx's inference read past the input's dims (SIGSEGV); a small axis past the rank is
    # refused the same way, and a scale that does not match the normalised dims by the importer.
    ln_in = [h_vi("x", [1, 3, 8]), h_vi("w", [8])]
    for name, axis in (("layernorm_axis_2_31", 2 ** 31), ("layernorm_axis_past_rank", 3)):
        save_malformed(name, [h.make_node("LayerNormalization", ["x", "w"], ["y", "mean"],
                                          name="/ln", axis=axis)],
                       ln_in, [h_vi("y", [1, 3, 8]), h_vi("mean", ["a", "b", "c"])])
    save_malformed("layernorm_scale_mismatch",
                   [h.make_node("LayerNormalization", ["x", "w"], ["y"], name="/ln", axis=1)],
                   ln_in, [h_vi("y", [1, 3, 8])])


def main():
    # Every model is valid ONNX: the importer runs onnx::checker before anything else.
    for make in (resnet18, gpt2_1layer, ops_zoo, resnet9_strided_16fmaps, mobilevit_block,
                 export_ops, upsample_opset9, unsupported, missing_shape):
        onnx.checker.check_model(make())
    malformed()
    data = open(os.path.join(HERE, "resnet18.onnx"), "rb").read()
    with open(os.path.join(HERE, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])


if __name__ == "__main__":
    main()
