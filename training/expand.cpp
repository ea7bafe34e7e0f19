#include "training/expand.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "training/expander.hpp"

namespace monet::training {

namespace detail {

using workloads::OpKind;
using workloads::Shape;

namespace {
constexpr int kStatsBits = 32;  // mean and 1/std stay fp32 under mixed precision
constexpr int kMaskBits = 8;    // dropout keep-mask: one byte per element
// Distillation loss per logit (Hinton et al. 2015, α·T²·KL(softmax(t/T) ‖ softmax(s/T)) +
// (1 − α)·CE(s, y)): teacher softmax at T (scale 1 + softmax 5), student log-softmax at T
// (1 + 5), KL term t·(log t − log s) summed (4), the hard cross-entropy with its gradient (6),
// gradient (s_T − t)·T and the α mix (4).
constexpr double kDistillationOps = 26;

int64_t elements_of(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}
}  // namespace

Expander::Expander(const Graph& forward, const TrainingOptions& options,
                   std::vector<int> adapter_params)
    : fwd_(forward), opt_(options), adapter_params_(std::move(adapter_params)), g_(forward.name()) {
  for (int bits :
       {opt_.activation_bits, opt_.weight_bits, opt_.gradient_bits, opt_.optimizer_state_bits})
    if (bits < 1 || bits > 64)
      throw core::Error("training element sizes must be 1..64 bits, got " + std::to_string(bits));
  if (opt_.frozen_weight_bits < 0 || opt_.frozen_weight_bits > 64)
    throw core::Error("frozen_weight_bits must be 0 (= weight_bits) or 1..64, got " +
                      std::to_string(opt_.frozen_weight_bits));
}

std::string Expander::unique_tensor_name(const std::string& base) const {
  std::string name = base;
  for (int i = 2; g_.find_tensor(name) >= 0; ++i) name = base + "#" + std::to_string(i);
  return name;
}

std::string Expander::unique_op_name(const std::string& base) const {
  std::string name = base;
  for (int i = 2; g_.find_op(name) >= 0; ++i) name = base + "#" + std::to_string(i);
  return name;
}

// A BatchNorm left on its running statistics (eval mode): the option set and its scale frozen.
bool Expander::on_running_statistics(const Op& op) const {
  // γ frozen: an eval-mode BatchNorm is y = x·s + t, whose dX and dβ read no activation.
  return op.kind == OpKind::kBatchNorm &&
         opt_.frozen_batchnorm == FrozenBatchNorm::kRunningStatistics &&
         !trainable_[op.inputs.at(1)];
}

void Expander::check_forward() const {
  for (const Tensor& t : fwd_.tensors())
    if (t.kind != TensorKind::kInput && t.kind != TensorKind::kActivation &&
        t.kind != TensorKind::kParameter)
      throw core::Error("graph '" + fwd_.name() + "' is not a forward graph: tensor '" + t.name +
                        "' is a gradient, label or optimizer state");
  for (const Op& op : fwd_.ops())
    if (op.kind == OpKind::kLoss || op.kind == OpKind::kGradSum || op.kind == OpKind::kOptimizer ||
        op.pass != Pass::kForward)
      throw core::Error("graph '" + fwd_.name() + "' is not a forward graph: op '" + op.name +
                        "' is a " + std::string(workloads::pass_name(op.pass)) + " " +
                        std::string(workloads::op_kind_name(op.kind)) + " op");
}

void Expander::copy_forward() {
  const int frozen_bits = opt_.frozen_weight_bits ? opt_.frozen_weight_bits : opt_.weight_bits;
  for (const Tensor& t : fwd_.tensors()) {
    int bits = t.elem_bits;
    if (t.kind == TensorKind::kActivation) bits = opt_.activation_bits;
    if (t.kind == TensorKind::kParameter) bits = trainable_[t.id] ? opt_.weight_bits : frozen_bits;
    g_.add_tensor(t.name, t.shape, bits, t.kind);
  }
  forward_tensors_ = static_cast<int>(fwd_.tensors().size());
  forward_ops_ = static_cast<int>(fwd_.ops().size());
  aux_.assign(forward_ops_, Aux{});
  for (const Op& op : fwd_.ops()) {
    const Shape& x = fwd_.tensor(op.inputs.at(0)).shape;
    Aux& a = aux_[op.id];
    if (!runs_backward_[op.id]) continue;  // nothing reads statistics, masks or indices
    if (op.kind == OpKind::kBatchNorm && !on_running_statistics(op))
      a.stats = g_.add_tensor(unique_tensor_name(op.name + ".stats"), {2, x.at(1)}, kStatsBits,
                              TensorKind::kActivation);
    if (op.kind == OpKind::kLayerNorm)
      a.stats = g_.add_tensor(unique_tensor_name(op.name + ".stats"),
                              {2, elements_of(x) / x.back()}, kStatsBits, TensorKind::kActivation);
    if (op.kind == OpKind::kDropout)
      a.mask = g_.add_tensor(unique_tensor_name(op.name + ".mask"), x, kMaskBits,
                             TensorKind::kActivation);
    if (op.kind == OpKind::kRelu && opt_.relu_saves == ReluSaves::kMask)
      a.relu_mask = g_.add_tensor(unique_tensor_name(op.name + ".mask"),
                                  fwd_.tensor(op.outputs.at(0)).shape, 1, TensorKind::kActivation);
    if (op.kind == OpKind::kMaxPool)  // argmax inside the window: a byte up to 256 positions
      a.indices = g_.add_tensor(unique_tensor_name(op.name + ".indices"),
                                fwd_.tensor(op.outputs.at(0)).shape, op.window > 256 ? 16 : 8,
                                TensorKind::kActivation);
  }
  for (const Op& op : fwd_.ops()) {
    Op copy = op;
    copy.id = -1;
    copy.forward_op = -1;
    for (int extra :
         {aux_[op.id].stats, aux_[op.id].mask, aux_[op.id].indices, aux_[op.id].relu_mask})
      if (extra >= 0) copy.outputs.push_back(extra);
    // Running statistics: a scale and a shift per element, as in inference.
    if (on_running_statistics(op)) copy.ops_per_element = kRunningBatchNormOps;
    g_.add_op(std::move(copy));
  }
}

void Expander::analyse_gradients() {
  auto outs = fwd_.outputs();
  if (outs.size() != 1) {
    std::string names;
    for (int t : outs) names += (names.empty() ? "" : ", ") + fwd_.tensor(t).name;
    throw core::Error("training needs exactly one graph output for the loss; graph '" +
                      fwd_.name() + "' has " + std::to_string(outs.size()) +
                      (names.empty() ? "" : ": " + names));
  }
  logits_ = outs[0];
  // On the forward graph, before its copy gets the extra outputs only backward reads (ids
  // are shared; those extra outputs are not differentiable).
  const size_t n = fwd_.tensors().size();
  requires_grad_.assign(n, 0);
  for (const Tensor& t : fwd_.tensors())
    requires_grad_[t.id] = t.kind == TensorKind::kParameter && trainable_[t.id];
  for (int f = 0; f < forward_ops_; ++f) {
    const Op& op = fwd_.op(f);
    bool any = false;
    for (int t : op.inputs) any = any || requires_grad_[t];
    if (any)
      for (int t : op.outputs) requires_grad_[t] = 1;
  }
  if (!requires_grad_[logits_])
    throw core::Error("graph '" + fwd_.name() + "' has no trainable parameter before its output '" +
                      fwd_.tensor(logits_).name + "' (trainable: " +
                      resolved_trainable_str(opt_.trainable, !adapter_params_.empty()) + ")");
  has_grad_.assign(n, 0);
  expected_.assign(n, 0);
  runs_backward_.assign(forward_ops_, 0);
  has_grad_[logits_] = 1;
  for (int f = forward_ops_ - 1; f >= 0; --f) {
    const Op& op = fwd_.op(f);
    bool out_grad = false, in_grad = false;
    for (int t : op.outputs) out_grad = out_grad || has_grad_[t];
    for (int t : op.inputs) in_grad = in_grad || requires_grad_[t];
    if (!out_grad || !in_grad) continue;
    runs_backward_[f] = 1;
    for (int t : op.inputs)
      if (requires_grad_[t]) {
        ++expected_[t];
        has_grad_[t] = 1;
      }
  }
}

void Expander::plan_saved() {
  const size_t n = g_.tensors().size();  // the extra outputs need and get no gradient
  requires_grad_.resize(n, 0);
  has_grad_.resize(n, 0);
  expected_.resize(n, 0);
  saved0_.assign(n, 0);
  for (int f = 0; f < forward_ops_; ++f)
    if (runs_backward_[f])
      for (int t : saved_for_backward(g_, g_.op(f), requires_grad_))
        if (g_.tensor(t).kind == TensorKind::kActivation) saved0_[t] = 1;
  drop_ = resolve_checkpoint(g_, opt_.checkpoint, {logits_});
  grad_.assign(n, -1);
  contributions_.assign(n, {});
  recomputed_.assign(n, -1);
  recompute_op_.assign(forward_ops_, -1);
}

void Expander::add_loss() {
  const Tensor logits = g_.tensor(logits_);
  Loss loss = opt_.loss;
  const int teacher = g_.find_tensor(kTeacherLogits);
  if (loss == Loss::kAuto && teacher >= 0) loss = Loss::kDistillation;
  if (loss == Loss::kAuto)
    loss = logits.shape.size() == 3 ? Loss::kNextTokenCrossEntropy : Loss::kCrossEntropy;
  loss_ = loss;
  Shape labels_shape = logits.shape;
  int label_bits = 64;  // class / token ids as int64, as PyTorch expects
  int64_t elements = logits.elements();
  double ops = 6;  // softmax (exp, sum, divide), log, pick target, gradient p - onehot
  const std::string what = "loss " + std::string(loss_name(loss)) + " on output '" + logits.name +
                           "' " + std::to_string(logits.shape.size()) + "-D";
  switch (loss) {
    case Loss::kCrossEntropy:
      if (logits.shape.size() < 2) throw core::Error(what + ": needs [B, ..., classes]");
      labels_shape.pop_back();
      break;
    case Loss::kNextTokenCrossEntropy:
      if (logits.shape.size() != 3 || logits.shape[1] < 2)
        throw core::Error(what + ": needs [B, T, vocab] logits with T >= 2");
      labels_shape.pop_back();
      // Position t predicts token t+1: the last position has no target.
      elements = logits.shape[0] * (logits.shape[1] - 1) * logits.shape[2];
      break;
    case Loss::kMse:
      label_bits = opt_.activation_bits;
      ops = 4;  // difference, square, accumulate, gradient 2·(y - t)/N
      break;
    case Loss::kDistillation:
      if (logits.shape.size() < 2) throw core::Error(what + ": needs [B, ..., classes]");
      if (teacher < 0 || g_.tensor(teacher).kind != TensorKind::kInput ||
          g_.tensor(teacher).shape != logits.shape)
        throw core::Error(what + ": needs the teacher's logits as an input '" +
                          std::string(kTeacherLogits) + "' shaped like the output" +
                          " (training::expand_distillation builds it)");
      labels_shape.pop_back();
      ops = kDistillationOps;
      break;
    case Loss::kAuto:
      break;
  }
  int labels =
      g_.add_tensor(unique_tensor_name("labels"), labels_shape, label_bits, TensorKind::kLabel);
  int value = g_.add_tensor(unique_tensor_name("loss"), {1}, 32, TensorKind::kActivation);
  int dlogits = g_.add_tensor(unique_tensor_name(logits.name + ".grad"), logits.shape,
                              opt_.gradient_bits, TensorKind::kGradient);
  Op op;
  op.name = unique_op_name("loss");
  op.kind = OpKind::kLoss;
  op.pass = Pass::kLoss;
  op.inputs = {logits_, labels};
  if (loss == Loss::kDistillation) op.inputs.push_back(teacher);
  op.outputs = {value, dlogits};
  op.block = "loss";
  op.elements = elements;
  op.ops_per_element = ops;
  g_.add_op(std::move(op));
  grad_[logits_] = dlogits;
}

int Expander::emit(Op op, const Op& from, Pass pass) {
  op.name = unique_op_name(op.name);
  op.pass = pass;
  op.forward_op = from.id;
  op.block = from.block;
  return g_.add_op(std::move(op));
}

int Expander::new_grad(int t, const Op& from) {
  const Tensor& x = g_.tensor(t);
  std::string name = x.name + ".grad";
  if (expected_[t] > 1) name += "_from." + from.name;
  TensorKind kind =
      x.kind == TensorKind::kParameter ? TensorKind::kParamGradient : TensorKind::kGradient;
  return g_.add_tensor(unique_tensor_name(name), x.shape, opt_.gradient_bits, kind);
}

void Expander::contribute(int t, int gradient) {
  auto& c = contributions_[t];
  c.push_back(gradient);
  if (static_cast<int>(c.size()) > expected_[t])
    throw core::Error("internal: more gradient contributions to '" + g_.tensor(t).name +
                      "' than consumers");
  if (static_cast<int>(c.size()) < expected_[t]) return;
  if (c.size() == 1) {
    grad_[t] = c[0];
    return;
  }
  const Tensor x = g_.tensor(t);  // a copy: adding tensors below may move the original
  bool is_param = x.kind == TensorKind::kParameter;
  int sum = g_.add_tensor(unique_tensor_name(x.name + ".grad"), x.shape, opt_.gradient_bits,
                          is_param ? TensorKind::kParamGradient : TensorKind::kGradient);
  Op op;
  op.name = x.name + ".grad_sum";
  op.kind = OpKind::kGradSum;
  op.inputs = c;
  op.outputs = {sum};
  op.elements = x.elements();
  op.ops_per_element = static_cast<double>(c.size() - 1);
  // A parameter's sum belongs to its first reader, an activation's to its producer.
  const Op& origin = g_.op(is_param ? x.consumers.front() : x.producer);
  emit(std::move(op), origin, is_param ? Pass::kBackwardWeight : Pass::kBackwardData);
  grad_[t] = sum;
}

int Expander::param(int t) const {
  if (g_.tensor(t).kind != TensorKind::kParameter)
    throw core::Error("internal: '" + g_.tensor(t).name + "' is not a parameter");
  return t;
}

void Expander::backward() {
  for (int f = forward_ops_ - 1; f >= 0; --f) {
    if (!runs_backward_[f]) continue;
    for (int t : g_.op(f).outputs)
      if (has_grad_[t] && grad_[t] < 0)
        throw core::Error("internal: gradient of '" + g_.tensor(t).name + "' is incomplete");
    current_ = f;
    current_saved_ = saved_for_backward(g_, g_.op(f), requires_grad_);
    emit_backward(f);
  }
  current_ = -1;
}

void Expander::add_optimizer() {
  const int states = optimizer_state_count(opt_.optimizer);
  const char* state_names[2] = {opt_.optimizer == Optimizer::kMomentum ? ".momentum" : ".exp_avg",
                                ".exp_avg_sq"};
  for (int p = 0; p < forward_tensors_; ++p) {
    const Tensor w = g_.tensor(p);
    if (w.kind != TensorKind::kParameter) continue;
    if (w.consumers.empty()) continue;  // a parameter nobody reads is not trained
    if (!requires_grad_[p]) continue;   // frozen: no gradient, no state, no update
    if (grad_[p] < 0)
      throw core::Error("parameter '" + w.name + "' does not influence output '" +
                        g_.tensor(logits_).name + "' and gets no gradient");
    Op op;
    op.name = w.name + ".update";
    op.kind = OpKind::kOptimizer;
    op.inputs = {p, grad_[p]};
    op.outputs = {g_.add_tensor(unique_tensor_name(w.name + ".updated"), w.shape, opt_.weight_bits,
                                TensorKind::kParameter)};
    for (int s = 0; s < states; ++s) {
      std::string name = w.name + state_names[s];
      op.inputs.push_back(g_.add_tensor(unique_tensor_name(name), w.shape,
                                        opt_.optimizer_state_bits, TensorKind::kOptimizerState));
      op.outputs.push_back(g_.add_tensor(unique_tensor_name(name + ".updated"), w.shape,
                                         opt_.optimizer_state_bits, TensorKind::kOptimizerState));
    }
    op.elements = w.elements();
    op.ops_per_element = optimizer_ops_per_element(opt_.optimizer);
    emit(std::move(op), g_.op(w.consumers.front()), Pass::kOptimizer);
  }
}

TrainingStep Expander::run() {
  check_forward();
  trainable_ = resolve_trainable(fwd_, opt_.trainable, adapter_params_);
  forward_ops_ = static_cast<int>(fwd_.ops().size());
  analyse_gradients();
  copy_forward();
  plan_saved();
  add_loss();
  backward();
  add_optimizer();
  for (int t = 0; t < static_cast<int>(expected_.size()); ++t)
    if (static_cast<int>(contributions_[t].size()) != expected_[t])
      throw core::Error("internal: '" + g_.tensor(t).name + "' got " +
                        std::to_string(contributions_[t].size()) + " of " +
                        std::to_string(expected_[t]) + " gradient contributions");
  g_.validate();
  TrainingStep step;
  step.forward_op_count = forward_ops_;
  step.loss_op = forward_ops_;
  step.loss = loss_;
  step.precision = precision_of(opt_);
  for (const Tensor& t : g_.tensors()) {
    if (t.kind != TensorKind::kActivation || t.producer < 0 ||
        g_.op(t.producer).pass != Pass::kForward)
      continue;
    for (int c : t.consumers) {
      Pass p = g_.op(c).pass;
      if (p == Pass::kBackwardData || p == Pass::kBackwardWeight || p == Pass::kRecompute) {
        step.saved_tensors.push_back(t.id);
        break;
      }
    }
  }
  for (int p = 0; p < forward_tensors_; ++p) {
    const Tensor& t = g_.tensor(p);
    if (t.kind != TensorKind::kParameter) continue;
    step.parameters += t.elements();
    if (requires_grad_[p]) step.trainable_parameters += t.elements();
  }
  step.adapter_parameters = adapter_params_;
  step.trainable = resolved_trainable_str(opt_.trainable, !adapter_params_.empty());
  for (const auto& a : opt_.adapters) step.adapters.push_back(a.str());
  step.gradient_of.assign(g_.tensors().size(), -1);
  std::copy(grad_.begin(), grad_.end(), step.gradient_of.begin());
  step.memory = memory_report(g_, step.saved_tensors);
  step.graph = std::move(g_);
  return step;
}

}  // namespace detail

TrainingStep expand(const workloads::Graph& forward, const TrainingOptions& options) {
  const TrainingOptions o = with_element_bits(options, workload_element_bits(forward));
  if (o.adapters.empty()) return detail::Expander(forward, o, {}).run();
  AdaptedGraph adapted = apply_adapters(forward, o.adapters);
  return detail::Expander(adapted.graph, o, adapted.adapter_params).run();
}

TrainingStep expand_adapted(const workloads::Graph& forward, const std::vector<int>& adapter_params,
                            const TrainingOptions& options) {
  // The adapters' parameters are the workload's precision too (apply_adapters sizes them so).
  return detail::Expander(forward, with_element_bits(options, workload_element_bits(forward)),
                          adapter_params)
      .run();
}

std::vector<int> saved_by(const TrainingStep& step, int forward_op) {
  const auto& g = step.graph;
  if (forward_op < 0 || forward_op >= step.forward_op_count)
    throw core::Error("saved_by: op " + std::to_string(forward_op) + " is not a forward op");
  std::vector<char> requires_grad(g.tensors().size(), 0);
  for (size_t t = 0; t < g.tensors().size(); ++t) requires_grad[t] = step.gradient_of[t] >= 0;
  bool runs = false;
  for (int t : g.op(forward_op).outputs) runs = runs || step.gradient_of[t] >= 0;
  if (!runs) return {};
  return detail::saved_for_backward(g, g.op(forward_op), requires_grad);
}

std::vector<int> checkpoint_candidates(const TrainingStep& step) {
  std::vector<int> out;
  for (int t : step.saved_tensors) {
    bool output = false;  // read by the loss: the graph output, which is never dropped
    for (int c : step.graph.tensor(t).consumers)
      output = output || step.graph.op(c).pass == workloads::Pass::kLoss;
    if (!output) out.push_back(t);
  }
  return out;
}

}  // namespace monet::training
