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
                      shape subgraphs, QK^T, Div by sqrt(64), Softmax, AV, merge heads,
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
                    [h.make_tensor_value_info("y", T.FLOAT, None)])


def main():
    checked = (resnet18, gpt2_1layer, ops_zoo, resnet9_strided_16fmaps)
    for make in checked + (unsupported, missing_shape):
        model = make()
        if make in checked:
            onnx.checker.check_model(model)
    data = open(os.path.join(HERE, "resnet18.onnx"), "rb").read()
    with open(os.path.join(HERE, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])


if __name__ == "__main__":
    main()
