// The backward rule of every forward op kind: which forward tensors it saves and which dX,
// dW and element-wise ops it emits. Compute ops reuse the forward loop nest with another
// output operand (I for dX, W for dW), so the cost model prices all three the same way.
#include "core/error.hpp"
#include "training/expander.hpp"

namespace monet::training::detail {

using workloads::OpKind;

double backward_ops_per_element(OpKind k) {
  switch (k) {
    case OpKind::kRelu:
      return 1;  // select dy where y > 0
    case OpKind::kLeakyRelu:
      return 2;  // select and scale
    case OpKind::kSigmoid:
      return 3;  // dy·y·(1 - y)
    case OpKind::kSilu:
      return 8;  // σ(x) (4) and dy·σ·(1 + x·(1 - σ)) (4)
    case OpKind::kGelu:
      return 18;  // tanh approximation (9) and its derivative (9)
    case OpKind::kSoftmax:
      return 4;  // y·(dy - Σ dy·y)
    case OpKind::kDropout:
      return 2;  // dy·mask·scale
    case OpKind::kMul:
      return 1;
    case OpKind::kMaxPool:
      return 1;  // scatter dy to the argmax, zeros elsewhere
    case OpKind::kGlobalAvgPool:
      return 1;
    default:
      return 0;
  }
}

namespace {
// Normalisation backward, per element. Parameter gradients: x̂ = (x - μ)·rstd (2),
// dγ += dy·x̂ (2), dβ += dy (1). BatchNorm dX = γ·rstd·(dy - dβ/N - x̂·dγ/N) reuses the
// per-channel sums dγ and dβ (x̂ 2 + 5), or computes the ones not trained itself (the same
// 4 and 1 ops); LayerNorm dX needs per-row sums of dy·γ and dy·γ·x̂ instead (x̂ 2, dy·γ 1,
// sums 2, combine 4).
constexpr double kNormGammaOps = 4;  // x̂ (2) and dγ += dy·x̂ (2)
constexpr double kNormBetaOps = 1;   // dβ += dy
constexpr double kBatchNormDataOps = 7;
constexpr double kLayerNormDataOps = 9;
// A bias gradient alone is one add per dy element.
constexpr double kBiasGradOps = 1;
// A BatchNorm on running statistics is y = x·s + t: dX = dy·s.
constexpr double kRunningBatchNormDataOps = 1;

bool is_param(const Graph& g, int t) {
  return g.tensor(t).kind == TensorKind::kParameter;
}
}  // namespace

std::vector<int> saved_for_backward(const Graph& g, const Op& f,
                                    const std::vector<char>& requires_grad) {
  auto aux = [&]() { return f.outputs.at(1); };
  switch (f.kind) {
    case OpKind::kConv:
    case OpKind::kMatmul: {
      int x = f.operand_tensor[0], w = f.operand_tensor[1];
      std::vector<int> s;
      if (w >= 0 && requires_grad[w]) s.push_back(x);                               // dW = dy ⊗ x
      if (w >= 0 && requires_grad[x] && !is_param(g, w) && w != x) s.push_back(w);  // dX = dy·w
      return s;
    }
    case OpKind::kBatchNorm:
    case OpKind::kLayerNorm:
      // Running statistics (no statistics output) and a lone dβ = Σ dy read no activation.
      if (f.outputs.size() < 2 || (!requires_grad[f.inputs[0]] && !requires_grad[f.inputs[1]]))
        return {};
      return {f.inputs[0], aux()};
    case OpKind::kRelu:  // its output, or the 1-bit mask when it has one
      return {f.outputs.back()};
    case OpKind::kSigmoid:
    case OpKind::kSoftmax:
      return {f.outputs[0]};
    case OpKind::kLeakyRelu:
    case OpKind::kGelu:
    case OpKind::kSilu:
      return {f.inputs[0]};
    case OpKind::kDropout:
    case OpKind::kMaxPool:
      return {aux()};
    case OpKind::kMul: {  // d(a·b)/da = b and vice versa
      std::vector<int> s;
      if (requires_grad[f.inputs[1]]) s.push_back(f.inputs[0]);
      if (requires_grad[f.inputs[0]]) s.push_back(f.inputs[1]);
      return s;
    }
    case OpKind::kEmbedding:
      return {f.inputs[0]};
    default:
      return {};
  }
}

int Expander::emit_nest(const Op& f, Operand out, Pass pass, int i, int w, int o,
                        const std::vector<int>& extra_outputs, const std::string& suffix) {
  Op op;
  op.name = f.name + suffix;
  op.kind = f.kind;
  op.nest = *f.nest;
  op.nest->output = out;
  op.operand_tensor = {i, w, o};
  for (int k = 0; k < workloads::kOperandCount; ++k)
    if (k != static_cast<int>(out) && op.operand_tensor[k] >= 0)
      op.inputs.push_back(op.operand_tensor[k]);
  op.outputs = {op.operand_tensor[static_cast<int>(out)]};
  for (int e : extra_outputs) op.outputs.push_back(e);
  return emit(std::move(op), f, pass);
}

int Expander::emit_elementwise(const Op& f, Pass pass, const std::string& suffix,
                               std::vector<int> in, std::vector<int> out, int64_t elements,
                               double ops, int window) {
  Op op;
  op.name = f.name + suffix;
  op.kind = f.kind;
  op.inputs = std::move(in);
  op.outputs = std::move(out);
  op.elements = elements;
  op.ops_per_element = ops;
  op.window = window;
  return emit(std::move(op), f, pass);
}

void Expander::emit_backward(int fid) {
  const Op f = g_.op(fid);  // a copy: emitting ops may move the original
  const int x = f.inputs.at(0);
  const int y = f.outputs.at(0);
  const int dy = grad(y);
  const int64_t x_elements = g_.tensor(x).elements();
  auto unary = [&](int saved_tensor) {
    if (!wants_grad(x)) return;
    int dx = new_grad(x, f);
    emit_elementwise(f, Pass::kBackwardData, ".dX", {saved(saved_tensor), dy}, {dx}, x_elements,
                     backward_ops_per_element(f.kind));
    contribute(x, dx);
  };
  switch (f.kind) {
    case OpKind::kConv:
    case OpKind::kMatmul: {
      const int w = f.operand_tensor[1];
      const int bias = f.inputs.size() > 2 ? f.inputs[2] : -1;
      if (wants_grad(x)) {
        int dx = new_grad(x, f);
        int wt = is_param(g_, w) ? param(w) : saved(w);
        emit_nest(f, Operand::kI, Pass::kBackwardData, dx, wt, dy, {}, ".dX");
        contribute(x, dx);
      }
      if (w >= 0 && wants_grad(w)) {
        // For activation·activation products (attention) the W-side gradient is a dW-style
        // nest but an activation gradient, on the data path.
        bool weight = is_param(g_, w);
        int dw = new_grad(w, f);
        std::vector<int> extra;
        int db = -1;
        if (bias >= 0 && wants_grad(bias)) {
          // dbias = Σ dy over all but the output features: folded into the dW op, which
          // streams dy anyway.
          db = new_grad(bias, f);
          extra.push_back(db);
        }
        emit_nest(f, Operand::kW, weight ? Pass::kBackwardWeight : Pass::kBackwardData, saved(x),
                  dw, dy, extra, ".dW");
        contribute(w, dw);
        if (db >= 0) contribute(bias, db);
      } else if (bias >= 0 && wants_grad(bias)) {
        // A trained bias on a frozen weight (bias-only training): dbias = Σ dy on its own.
        int db = new_grad(bias, f);
        emit_elementwise(f, Pass::kBackwardWeight, ".dB", {dy}, {db}, g_.tensor(dy).elements(),
                         kBiasGradOps);
        contribute(bias, db);
      }
      return;
    }
    case OpKind::kBatchNorm:
    case OpKind::kLayerNorm: {
      // β is optional for LayerNorm (an ONNX LayerNormalization without bias).
      const int gamma = f.inputs.at(1);
      const int beta = f.inputs.size() > 2 ? f.inputs[2] : -1;
      const bool bn = f.kind == OpKind::kBatchNorm;
      if (f.outputs.size() < 2) {  // BatchNorm on running statistics: dX = dy·γ·rstd
        if (wants_grad(x)) {
          int dx = new_grad(x, f);
          emit_elementwise(f, Pass::kBackwardData, ".dX", {param(gamma), dy}, {dx}, x_elements,
                           kRunningBatchNormDataOps);
          contribute(x, dx);
        }
        if (beta >= 0 && wants_grad(beta)) {  // dβ = Σ dy (γ is frozen on this path)
          int dbeta = new_grad(beta, f);
          emit_elementwise(f, Pass::kBackwardWeight, ".dW", {dy}, {dbeta}, x_elements,
                           kNormBetaOps);
          contribute(beta, dbeta);
        }
        return;
      }
      const int stats = f.outputs.at(1);
      const bool train_gamma = wants_grad(gamma), train_beta = beta >= 0 && wants_grad(beta);
      auto data = [&](std::vector<int> extra_in) {
        if (!wants_grad(x)) return;
        int dx = new_grad(x, f);
        std::vector<int> in = {saved(x), saved(stats), param(gamma), dy};
        in.insert(in.end(), extra_in.begin(), extra_in.end());
        double ops = bn ? kBatchNormDataOps + (train_gamma ? 0 : kNormGammaOps) +
                              (train_beta ? 0 : kNormBetaOps)
                        : kLayerNormDataOps;
        emit_elementwise(f, Pass::kBackwardData, ".dX", in, {dx}, x_elements, ops);
        contribute(x, dx);
      };
      if (!bn) data({});  // LayerNorm dX does not need dγ, dβ: keep it first on the data path
      int dgamma = -1, dbeta = -1;
      if (train_gamma || train_beta) {
        std::vector<int> in, outs;
        double ops = 0;
        if (train_gamma) {
          in = {saved(x), saved(stats)};
          dgamma = new_grad(gamma, f);
          outs.push_back(dgamma);
          ops += kNormGammaOps;
        }
        in.push_back(dy);
        if (train_beta) {
          dbeta = new_grad(beta, f);
          outs.push_back(dbeta);
          ops += kNormBetaOps;
        }
        emit_elementwise(f, Pass::kBackwardWeight, ".dW", in, outs, x_elements, ops);
      }
      if (bn) {  // BatchNorm dX reuses the per-channel sums it has
        std::vector<int> sums;
        for (int t : {dgamma, dbeta})
          if (t >= 0) sums.push_back(t);
        data(sums);
      }
      if (dgamma >= 0) contribute(gamma, dgamma);
      if (dbeta >= 0) contribute(beta, dbeta);
      return;
    }
    case OpKind::kRelu:
      return unary(f.outputs.back());  // the output, or the 1-bit mask
    case OpKind::kSigmoid:
    case OpKind::kSoftmax:
      return unary(y);
    case OpKind::kLeakyRelu:
    case OpKind::kGelu:
    case OpKind::kSilu:
      return unary(x);
    case OpKind::kDropout:
    case OpKind::kMaxPool:
      return unary(f.outputs.at(1));
    case OpKind::kAvgPool:
    case OpKind::kGlobalAvgPool: {
      if (!wants_grad(x)) return;
      int dx = new_grad(x, f);
      bool global = f.kind == OpKind::kGlobalAvgPool;
      // Average pooling spreads each dy over its window; the global pool broadcasts dy/HW.
      emit_elementwise(f, Pass::kBackwardData, ".dX", {dy}, {dx}, global ? x_elements : f.elements,
                       global ? backward_ops_per_element(f.kind) : f.ops_per_element,
                       global ? 1 : f.window);
      contribute(x, dx);
      return;
    }
    case OpKind::kAdd:
      // y = a + b passes dy unchanged to each operand: the gradient fans out, no op.
      for (int t : f.inputs)
        if (wants_grad(t)) contribute(t, dy);
      return;
    case OpKind::kMul:
      for (size_t k = 0; k < f.inputs.size(); ++k) {
        int t = f.inputs[k];
        if (!wants_grad(t)) continue;
        int other = f.inputs[1 - k];
        int dt = new_grad(t, f);
        emit_elementwise(f, Pass::kBackwardData, ".dX" + std::to_string(k), {saved(other), dy},
                         {dt}, g_.tensor(t).elements(), backward_ops_per_element(f.kind));
        contribute(t, dt);
      }
      return;
    case OpKind::kReshape: {
      // Layout changes (reshape, split) move the gradient back with the same traffic.
      if (!wants_grad(x)) return;
      std::vector<int> in;
      for (int t : f.outputs)
        if (grad(t) >= 0) in.push_back(grad(t));
      int dx = new_grad(x, f);
      emit_elementwise(f, Pass::kBackwardData, ".dX", in, {dx}, f.elements, f.ops_per_element);
      contribute(x, dx);
      return;
    }
    case OpKind::kConcat: {
      std::vector<int> outs, targets;
      int64_t elements = 0;
      for (int t : f.inputs)
        if (wants_grad(t)) {
          outs.push_back(new_grad(t, f));
          targets.push_back(t);
          elements += g_.tensor(t).elements();
        }
      emit_elementwise(f, Pass::kBackwardData, ".dX", {dy}, outs, elements, f.ops_per_element);
      for (size_t k = 0; k < outs.size(); ++k) contribute(targets[k], outs[k]);
      return;
    }
    case OpKind::kEmbedding: {
      // Scatter-add dy rows into the token table (and sum over the batch into positions).
      std::vector<int> outs, targets;
      for (size_t k = 1; k < f.inputs.size(); ++k)
        if (wants_grad(f.inputs[k])) {
          outs.push_back(new_grad(f.inputs[k], f));
          targets.push_back(f.inputs[k]);
        }
      if (outs.empty()) return;
      emit_elementwise(f, Pass::kBackwardWeight, ".dW", {saved(x), dy}, outs,
                       g_.tensor(y).elements(), static_cast<double>(outs.size()));
      for (size_t k = 0; k < outs.size(); ++k) contribute(targets[k], outs[k]);
      return;
    }
    default:
      throw core::Error("no backward rule for op '" + f.name + "' of kind " +
                        std::string(workloads::op_kind_name(f.kind)));
  }
}

}  // namespace monet::training::detail
