#include "workloads/describe.hpp"

#include <unordered_set>

namespace monet::workloads {

std::string shape_to_string(const Shape& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out;
}

std::vector<OpRow> describe_ops(const Graph& g) {
  std::vector<OpRow> rows;
  std::unordered_set<int> counted;
  for (const Op& op : g.ops()) {
    OpRow r;
    r.name = op.name;
    r.kind = std::string(op_kind_name(op.kind));
    r.pass = std::string(pass_name(op.pass));
    r.block = op.block;
    if (!op.outputs.empty()) r.output_shape = g.tensor(op.outputs[0]).shape;
    for (int t : op.inputs)
      if (g.tensor(t).kind == TensorKind::kParameter && counted.insert(t).second)
        r.parameters += g.tensor(t).elements();
    r.macs = op.macs();
    r.element_ops = op.element_ops();
    for (int t : op.outputs) r.activation_bytes += g.tensor(t).bytes();
    rows.push_back(std::move(r));
  }
  return rows;
}

nlohmann::json describe_json(const Graph& g) {
  using nlohmann::json;
  json ops = json::array();
  for (const OpRow& r : describe_ops(g))
    ops.push_back({{"name", r.name},
                   {"kind", r.kind},
                   {"pass", r.pass},
                   {"block", r.block},
                   {"output_shape", r.output_shape},
                   {"parameters", r.parameters},
                   {"macs", r.macs},
                   {"element_ops", r.element_ops},
                   {"activation_bytes", r.activation_bytes}});
  GraphTotals t = g.totals();
  json inputs = json::array();
  for (int id : g.inputs())
    inputs.push_back({{"name", g.tensor(id).name}, {"shape", g.tensor(id).shape}});
  json outputs = json::array();
  for (int id : g.outputs())
    outputs.push_back({{"name", g.tensor(id).name}, {"shape", g.tensor(id).shape}});
  return {{"schema", kDescribeSchema},
          {"model", g.name()},
          {"inputs", inputs},
          {"outputs", outputs},
          {"ops", ops},
          {"totals",
           {{"parameters", t.parameters},
            {"parameter_bytes", t.parameter_bytes},
            {"macs", t.macs},
            {"element_ops", t.element_ops},
            {"activation_bytes", t.activation_bytes},
            {"ops", t.op_count},
            {"compute_ops", t.compute_op_count}}}};
}

}  // namespace monet::workloads
