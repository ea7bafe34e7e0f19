#include "training/report.hpp"

#include "workloads/describe.hpp"

namespace monet::training {

std::array<PhaseTotals, kPassCount> phase_totals(const workloads::Graph& g) {
  std::array<PhaseTotals, kPassCount> out;
  for (int i = 0; i < kPassCount; ++i) out[i].pass = static_cast<workloads::Pass>(i);
  for (const auto& op : g.ops()) {
    auto& p = out[static_cast<int>(op.pass)];
    ++p.ops;
    p.macs += op.macs();
    p.element_ops += op.element_ops();
  }
  return out;
}

nlohmann::json memory_json(const MemoryReport& m) {
  return {{"parameter_bytes", m.parameter_bytes},
          {"gradient_bytes", m.gradient_bytes},
          {"optimizer_state_bytes", m.optimizer_state_bytes},
          {"saved_activation_bytes", m.saved_activation_bytes},
          {"sequential_peak_bytes", m.sequential_peak_bytes}};
}

nlohmann::json precision_json(const TrainingPrecision& p) {
  return {{"activation_bits", p.activation_bits},
          {"weight_bits", p.weight_bits},
          {"gradient_bits", p.gradient_bits},
          {"optimizer_state_bits", p.optimizer_state_bits},
          {"frozen_weight_bits", p.frozen_weight_bits}};
}

std::string precision_text(const TrainingPrecision& p) {
  std::string s = "activations " + std::to_string(p.activation_bits) + " bit, weights " +
                  std::to_string(p.weight_bits) + ", gradients " + std::to_string(p.gradient_bits) +
                  ", optimizer state " + std::to_string(p.optimizer_state_bits);
  if (p.frozen_weight_bits != p.weight_bits)
    s += ", frozen weights " + std::to_string(p.frozen_weight_bits);
  return s;
}

TrainingSummary training_summary(const TrainingStep& step) {
  TrainingSummary s;
  s.parameters = step.parameters;
  s.trainable_parameters = step.trainable_parameters;
  for (int t : step.adapter_parameters) s.adapter_parameters += step.graph.tensor(t).elements();
  s.trainable = step.trainable;
  s.adapters = step.adapters;
  s.teacher = step.teacher;
  s.precision = step.precision;
  return s;
}

nlohmann::json teacher_json(const TeacherSummary& t) {
  return {{"model", t.model},
          {"parameters", t.parameters},
          {"parameter_bytes", t.parameter_bytes},
          {"logits_bytes", t.logits_bytes},
          {"macs", t.macs},
          {"element_bits", t.element_bits}};
}

nlohmann::json training_summary_json(const TrainingSummary& s) {
  nlohmann::json j = {{"parameters", s.parameters},
                      {"trainable_parameters", s.trainable_parameters},
                      {"adapter_parameters", s.adapter_parameters},
                      {"trainable", s.trainable},
                      {"adapters", s.adapters},
                      {"precision", precision_json(s.precision)}};
  if (s.teacher) j["teacher"] = teacher_json(*s.teacher);
  return j;
}

nlohmann::json training_json(const TrainingStep& step, const TrainingOptions& o,
                             const MemoryReport* baseline) {
  using nlohmann::json;
  const auto& g = step.graph;
  json phases = json::object();
  int64_t macs = 0;
  double element_ops = 0;
  for (const auto& p : phase_totals(g)) {
    phases[std::string(workloads::pass_name(p.pass))] = {
        {"ops", p.ops}, {"macs", p.macs}, {"element_ops", p.element_ops}};
    macs += p.macs;
    element_ops += p.element_ops;
  }
  int64_t backward_macs = 0;
  for (const auto& op : g.ops())
    if (op.pass == workloads::Pass::kBackwardData || op.pass == workloads::Pass::kBackwardWeight)
      backward_macs += op.macs();
  int64_t adapter_elements = 0;
  for (int t : step.adapter_parameters) adapter_elements += g.tensor(t).elements();
  json adapters = json::array();
  for (const auto& a : o.adapters) adapters.push_back(a.str());
  json memory = memory_json(step.memory);
  memory["peak_op"] = step.memory.peak_op >= 0 ? g.op(step.memory.peak_op).name : "";
  json doc = {
      {"schema", kTrainingSchema},
      {"model", g.name()},
      {"options",
       {{"loss", loss_name(step.loss)},
        {"optimizer", optimizer_name(o.optimizer)},
        {"checkpoint", o.checkpoint.str()},
        {"activation_bits", step.precision.activation_bits},
        {"weight_bits", step.precision.weight_bits},
        {"gradient_bits", step.precision.gradient_bits},
        {"optimizer_state_bits", step.precision.optimizer_state_bits},
        {"trainable", resolved_trainable_str(o.trainable, !step.adapter_parameters.empty())},
        {"frozen_weight_bits", step.precision.frozen_weight_bits},
        {"frozen_batchnorm", frozen_batchnorm_name(o.frozen_batchnorm)},
        {"relu_saves", relu_saves_name(o.relu_saves)},
        {"adapters", adapters}}},
      {"phases", phases},
      {"totals",
       {{"macs", macs},
        {"backward_macs", backward_macs},
        {"element_ops", element_ops},
        {"ops", g.ops().size()},
        {"parameters", step.parameters},
        {"trainable_parameters", step.trainable_parameters},
        {"adapter_parameters", adapter_elements}}},
      {"memory", memory},
      {"saved_tensors", step.saved_tensors.size()},
      {"ops", workloads::describe_json(g)["ops"]}};
  if (baseline) doc["memory_without_checkpoint"] = memory_json(*baseline);
  if (step.teacher) doc["teacher"] = teacher_json(*step.teacher);
  return doc;
}

}  // namespace monet::training
