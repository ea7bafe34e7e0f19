// Training graphs of every built-in model satisfy the graph invariants.
#include <catch2/catch.hpp>
#include <map>

#include "training/expand.hpp"
#include "workloads/models.hpp"

using namespace monet;
using workloads::OpKind;
using workloads::Pass;
using workloads::TensorKind;

namespace {
void check_invariants(const workloads::Graph& fwd, const training::TrainingStep& step) {
  const auto& g = step.graph;
  REQUIRE_NOTHROW(g.validate());
  CHECK(g.op_graph().is_acyclic());
  // Which forward activations need a gradient: those computed from a parameter.
  std::vector<char> needs(g.tensors().size(), 0);
  for (const auto& op : fwd.ops()) {
    bool any = false;
    for (int t : op.inputs) any = any || fwd.tensor(t).kind == TensorKind::kParameter || needs[t];
    if (any)
      for (int t : op.outputs) needs[t] = 1;
  }
  for (const auto& t : fwd.tensors()) {
    int grad = step.gradient_of.at(t.id);
    bool param = t.kind == TensorKind::kParameter;
    if (!needs[t.id] && !param) {
      CHECK(grad < 0);  // no gradient w.r.t. graph inputs
      continue;
    }
    INFO(t.name);
    REQUIRE(grad >= 0);
    CHECK(g.tensor(grad).shape == t.shape);
    CHECK(g.tensor(grad).producer >= 0);  // exactly one final producer (Graph: at most one)
    CHECK(g.tensor(grad).kind == (param ? TensorKind::kParamGradient : TensorKind::kGradient));
  }
  // Every gradient tensor is produced once and read by someone.
  for (const auto& t : g.tensors())
    if (t.kind == TensorKind::kGradient || t.kind == TensorKind::kParamGradient) {
      INFO(t.name);
      CHECK(t.producer >= 0);
      CHECK(!t.consumers.empty());
    }
  // Every parameter gets exactly one update, which reads its final gradient.
  std::map<int, int> updates;
  for (const auto& op : g.ops()) {
    if (op.kind != OpKind::kOptimizer) continue;
    CHECK(op.pass == Pass::kOptimizer);
    for (int t : op.inputs)
      if (g.tensor(t).kind == TensorKind::kParameter) {
        ++updates[t];
        CHECK(std::count(op.inputs.begin(), op.inputs.end(), step.gradient_of[t]) == 1);
      }
  }
  for (int p : fwd.parameters()) {
    INFO(fwd.tensor(p).name);
    CHECK(updates[p] == 1);
  }
  // Backward nests: same nest as forward, with their own operand written; dX has X's shape.
  for (const auto& op : g.ops()) {
    if (!op.is_compute() || op.pass == Pass::kForward) continue;
    const auto& f = g.op(op.forward_op);
    CHECK(op.nest->size == f.nest->size);
    if (op.pass == Pass::kRecompute) continue;
    int k = static_cast<int>(op.nest->output);
    CHECK(g.tensor(op.operand_tensor[k]).shape == g.tensor(f.operand_tensor[k]).shape);
    CHECK(op.operand_tensor[2] == step.gradient_of[f.operand_tensor[2]]);  // reads dY
  }
}
}  // namespace

TEST_CASE("Training graphs of all models pass the invariants") {
  training::TrainingOptions adam;
  adam.optimizer = training::Optimizer::kAdam;
  training::TrainingOptions sqrt_plan = adam;
  sqrt_plan.checkpoint = training::parse_checkpoint_plan("sqrt");
  for (const auto& m : workloads::builtin_models()) {
    SECTION(m.name) {
      workloads::ModelParams p;
      if (m.name.rfind("gpt2", 0) == 0) p.seq = 128;  // same ops as 1024 tokens, faster
      auto fwd = workloads::build_model(m.name, p);
      check_invariants(fwd, training::expand(fwd, adam));
      check_invariants(fwd, training::expand(fwd, sqrt_plan));
    }
  }
}
