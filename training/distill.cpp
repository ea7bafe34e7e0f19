#include "training/distill.hpp"

#include <string>
#include <vector>

#include "core/error.hpp"

namespace monet::training {

using workloads::Graph;
using workloads::Op;
using workloads::OpKind;
using workloads::Pass;
using workloads::Shape;
using workloads::TensorKind;

namespace {
const std::string kPrefix = "teacher.";

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out + "]";
}

int single_output(const Graph& g, const std::string& role) {
  auto outs = g.outputs();
  if (outs.size() != 1)
    throw core::Error("distillation: the " + role + " '" + g.name() + "' must have exactly one " +
                      "output (its logits), it has " + std::to_string(outs.size()));
  return outs[0];
}
}  // namespace

TrainingStep expand_distillation(const Graph& student, const Graph& teacher,
                                 const TrainingOptions& options) {
  const int s_out = single_output(student, "student");
  const int t_out = single_output(teacher, "teacher");
  const Shape& logits = student.tensor(s_out).shape;
  if (teacher.tensor(t_out).shape != logits)
    throw core::Error("distillation: the teacher '" + teacher.name() + "' outputs " +
                      shape_str(teacher.tensor(t_out).shape) + ", the student '" + student.name() +
                      "' " + shape_str(logits) + " (same batch and classes needed)");
  if (options.loss != Loss::kAuto && options.loss != Loss::kDistillation)
    throw core::Error("distillation: the loss is the distillation loss, not '" +
                      std::string(loss_name(options.loss)) + "' (leave loss at auto)");

  // The student step, its loss reading the teacher's logits as an input for now.
  Graph with_input = student;
  with_input.add_tensor(kTeacherLogits, logits, teacher.tensor(t_out).elem_bits,
                        TensorKind::kInput);
  TrainingOptions o = options;
  o.loss = Loss::kDistillation;
  TrainingStep step = expand(with_input, o);
  const Graph& s = step.graph;

  // Merge: every step tensor keeps its id; the teacher's follow.
  Graph g(s.name());
  for (const auto& t : s.tensors()) g.add_tensor(t.name, t.shape, t.elem_bits, t.kind);
  const int logits_id = g.find_tensor(kTeacherLogits);
  g.mutable_tensor(logits_id).kind = TensorKind::kActivation;  // produced by the teacher now
  const auto s_inputs = student.inputs();
  std::vector<int> id(teacher.tensors().size(), -1);
  for (const auto& t : teacher.tensors()) {
    if (t.id == t_out) {
      id[static_cast<size_t>(t.id)] = logits_id;
    } else if (t.kind == TensorKind::kInput && s_inputs.size() == 1 &&
               student.tensor(s_inputs[0]).shape == t.shape) {
      id[static_cast<size_t>(t.id)] = s_inputs[0];  // the same images
    } else {
      id[static_cast<size_t>(t.id)] = g.add_tensor(kPrefix + t.name, t.shape, t.elem_bits, t.kind);
    }
  }
  const int shift = static_cast<int>(teacher.ops().size());
  for (const Op& op : teacher.ops()) {
    Op copy = op;
    copy.id = -1;
    copy.name = kPrefix + op.name;
    copy.block = op.block.empty() ? "teacher" : kPrefix + op.block;
    for (int& t : copy.inputs) t = id[static_cast<size_t>(t)];
    for (int& t : copy.outputs) t = id[static_cast<size_t>(t)];
    for (int& t : copy.operand_tensor)
      if (t >= 0) t = id[static_cast<size_t>(t)];
    if (copy.kind == OpKind::kBatchNorm) copy.ops_per_element = kRunningBatchNormOps;
    g.add_op(std::move(copy));
  }
  for (const Op& op : s.ops()) {
    Op copy = op;
    copy.id = -1;
    if (copy.forward_op >= 0) copy.forward_op += shift;
    g.add_op(std::move(copy));
  }
  g.validate();

  TeacherSummary ts;
  ts.model = teacher.name();
  ts.macs = teacher.totals().macs;
  ts.logits_bytes = g.tensor(logits_id).bytes();
  ts.element_bits = teacher.tensor(t_out).elem_bits;
  for (const auto& t : teacher.tensors())
    if (t.kind == TensorKind::kParameter) {
      ts.parameters += t.elements();
      ts.parameter_bytes += t.bytes();
    }
  step.forward_op_count += shift;
  step.loss_op += shift;
  step.gradient_of.resize(g.tensors().size(), -1);
  step.memory = memory_report(g, step.saved_tensors);
  step.graph = std::move(g);
  step.teacher = ts;
  return step;
}

}  // namespace monet::training
