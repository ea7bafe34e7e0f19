#include "training/chain.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "core/error.hpp"
#include "training/expand.hpp"

namespace monet::training {

using workloads::Graph;
using workloads::TensorKind;

int64_t ChainElement::saved_bytes() const {
  int64_t s = 0;
  for (const auto& t : saved) s += t.bytes;
  return s;
}

int64_t Chain::total_cost() const {
  int64_t s = 0;
  for (const auto& e : elements) s += e.cost;
  return s;
}

namespace {
std::string unit_name(const Graph& g, const std::vector<int>& unit) {
  const auto& op = g.op(unit.front());
  return op.block.empty() ? op.name : op.block;
}

// Names an element made of several units after the first, adding the names of units that are
// not nested in it ("layer3.1" for layer3.1 + layer3.1.transformer.0 + layer3.1; "b+c").
std::string element_name(const std::vector<std::string>& names) {
  std::string out = names.front();
  for (const auto& n : names)
    if (n != names.front() && n.rfind(names.front() + ".", 0) != 0 &&
        out.find("+" + n) == std::string::npos)
      out += "+" + n;
  return out;
}
}  // namespace

Chain extract_chain(const Graph& original, const TrainingOptions& options,
                    const std::vector<int64_t>& op_costs, const std::string& cost_unit) {
  // With adapters the chain is that of the adapted graph (its ops are what the step runs).
  std::optional<AdaptedGraph> adapted;
  if (!options.adapters.empty()) adapted = apply_adapters(original, options.adapters);
  const Graph& forward = adapted ? adapted->graph : original;
  if (!op_costs.empty() && op_costs.size() != forward.ops().size())
    throw core::Error("extract_chain: " + std::to_string(op_costs.size()) + " op costs for " +
                      std::to_string(forward.ops().size()) + " forward ops of graph '" +
                      forward.name() + "'");
  auto op_cost = [&](int op) { return op_costs.empty() ? forward.op(op).macs() : op_costs[op]; };
  TrainingOptions o = options;
  o.checkpoint = CheckpointPlan{};
  const TrainingStep step =
      adapted ? expand_adapted(forward, adapted->adapter_params, o) : expand(forward, o);
  const Graph& g = step.graph;  // forward tensor and op ids are unchanged in the step
  const auto units = block_units(forward);
  const int u_count = static_cast<int>(units.size());
  std::vector<int> unit_of(forward.ops().size(), -1);
  for (int u = 0; u < u_count; ++u)
    for (int op : units[u]) unit_of[op] = u;

  // A cut after unit u is a chain boundary when exactly one activation produced up to u is
  // read after u. Units between boundaries form one element: a residual that skips a block
  // boundary (MobileViT's concat around its transformer layers) merges the blocks it spans.
  std::vector<std::vector<int>> opened(u_count), closed(u_count);
  for (const auto& t : forward.tensors()) {
    if (t.producer < 0 || t.consumers.empty()) continue;
    int last = 0;
    for (int r : t.consumers) last = std::max(last, unit_of[r]);
    if (last == unit_of[t.producer]) continue;
    opened[unit_of[t.producer]].push_back(t.id);
    closed[last].push_back(t.id);
  }
  std::unordered_set<int> open;
  std::vector<int> boundary;                    // output tensor of each element
  std::vector<std::vector<int>> element_units;  // unit indices of each element
  for (int u = 0; u < u_count; ++u) {
    if (element_units.size() == boundary.size()) element_units.emplace_back();
    element_units.back().push_back(u);
    for (int t : closed[u]) open.erase(t);
    for (int t : opened[u]) open.insert(t);
    if (u + 1 < u_count && open.size() == 1) boundary.push_back(*open.begin());
  }
  const auto outs = forward.outputs();  // expand() has checked there is exactly one
  boundary.push_back(outs.at(0));
  const int n = static_cast<int>(element_units.size());
  std::vector<int> element_of(forward.ops().size(), -1);

  Chain c;
  c.name = forward.name();
  c.cost_unit = cost_unit;
  for (const auto& t : forward.tensors())
    if (t.kind == TensorKind::kInput && !t.consumers.empty()) {
      c.input_name += (c.input_name.empty() ? "" : ",") + t.name;
      c.input_bytes += g.tensor(t.id).bytes();
    }
  c.elements.resize(n);
  for (int i = 0; i < n; ++i) {
    ChainElement& e = c.elements[i];
    std::vector<std::string> names;
    for (int u : element_units[i]) {
      names.push_back(unit_name(forward, units[u]));
      for (int op : units[u]) {
        e.ops.push_back(op);
        element_of[op] = i;
        e.cost += op_cost(op);
      }
    }
    e.name = element_name(names);
    e.output_name = g.tensor(boundary[i]).name;
    e.output_bytes = g.tensor(boundary[i]).bytes();
  }
  std::vector<char> needed(forward.ops().size(), 0);
  for (int t : step.saved_tensors) {
    const auto& x = g.tensor(t);
    const int i = element_of.at(x.producer);  // saved tensors come from forward ops
    if (t == boundary[i]) continue;
    c.elements[i].saved.push_back({x.name, x.bytes()});
    needed[x.producer] = 1;
  }
  // g_i: the ops of the element its saved tensors depend on, walking back inside it.
  for (int i = 0; i < n; ++i) {
    const auto& ops = c.elements[i].ops;
    for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
      if (!needed[*it]) continue;
      c.elements[i].saved_cost += op_cost(*it);
      for (int t : forward.op(*it).inputs) {
        int p = forward.tensor(t).producer;
        if (p >= 0 && element_of[p] == i) needed[p] = 1;
      }
    }
  }
  return c;
}

Chain make_chain(int64_t input_bytes, const std::vector<int64_t>& cost,
                 const std::vector<int64_t>& output_bytes,
                 const std::vector<int64_t>& saved_bytes) {
  const size_t n = cost.size();
  if (n == 0 || output_bytes.size() != n || saved_bytes.size() != n)
    throw core::Error("make_chain: cost, output_bytes and saved_bytes need the same length >= 1");
  if (input_bytes < 0) throw core::Error("make_chain: input_bytes must be >= 0");
  Chain c;
  c.name = "chain";
  c.input_name = "a0";
  c.input_bytes = input_bytes;
  for (size_t i = 0; i < n; ++i) {
    if (cost[i] < 0 || saved_bytes[i] < 0 || output_bytes[i] <= 0)
      throw core::Error("make_chain: element " + std::to_string(i) +
                        " needs cost >= 0, saved_bytes >= 0 and output_bytes > 0");
    ChainElement e;
    e.name = "e" + std::to_string(i);
    e.cost = cost[i];
    e.saved_cost = cost[i];
    e.output_name = "a" + std::to_string(i + 1);
    e.output_bytes = output_bytes[i];
    if (saved_bytes[i] > 0) e.saved.push_back({e.name + ".saved", saved_bytes[i]});
    c.elements.push_back(std::move(e));
  }
  return c;
}

const core::NameTable<Granularity>& granularity_names() {
  static const core::NameTable<Granularity> table(
      "checkpoint granularity",
      {{Granularity::kBlock, "block"}, {Granularity::kActivation, "activation"}});
  return table;
}

std::string_view granularity_name(Granularity g) {
  return granularity_names().name(g);
}

Granularity parse_granularity(std::string_view name) {
  return granularity_names().parse(name);
}

namespace {
size_t saved_bits(const ChainElement& e, Granularity g) {
  return g == Granularity::kBlock ? 1 : e.saved.size();
}

void check_plan(const Chain& c, const ChainPlan& p) {
  const int n = c.size();
  if (n == 0) throw core::Error("chain '" + c.name + "' has no elements");
  std::string why;
  if (static_cast<int>(p.keep_boundary.size()) != n - 1)
    why = std::to_string(p.keep_boundary.size()) + " boundary bits, expected " +
          std::to_string(n - 1);
  else if (static_cast<int>(p.keep_saved.size()) != n)
    why = std::to_string(p.keep_saved.size()) + " elements, expected " + std::to_string(n);
  else
    for (int i = 0; i < n && why.empty(); ++i)
      if (p.keep_saved[i].size() != saved_bits(c.elements[i], p.granularity))
        why = "element '" + c.elements[i].name + "' has " + std::to_string(p.keep_saved[i].size()) +
              " saved bits, expected " + std::to_string(saved_bits(c.elements[i], p.granularity));
  if (!why.empty())
    throw core::Error("checkpoint plan (" + std::string(granularity_name(p.granularity)) +
                      " granularity) does not fit chain '" + c.name + "': " + why);
}

bool keeps_saved(const ChainPlan& p, int i, size_t k) {
  return p.granularity == Granularity::kBlock ? p.keep_saved[i][0] != 0 : p.keep_saved[i][k] != 0;
}
}  // namespace

ChainPlan uniform_plan(const Chain& c, Granularity g, bool keep) {
  ChainPlan p;
  p.granularity = g;
  p.keep_boundary.assign(std::max(c.size() - 1, 0), keep ? 1 : 0);
  for (const auto& e : c.elements) p.keep_saved.emplace_back(saved_bits(e, g), keep ? 1 : 0);
  return p;
}

int plan_gene_count(const Chain& c, Granularity g) {
  int count = std::max(c.size() - 1, 0);
  for (const auto& e : c.elements) count += static_cast<int>(saved_bits(e, g));
  return count;
}

ChainPlan plan_from_genes(const Chain& c, Granularity g, const std::vector<int>& genes) {
  if (static_cast<int>(genes.size()) != plan_gene_count(c, g))
    throw core::Error("checkpoint genome of chain '" + c.name + "' has " +
                      std::to_string(genes.size()) + " genes, expected " +
                      std::to_string(plan_gene_count(c, g)) + " (" +
                      std::string(granularity_name(g)) + " granularity)");
  ChainPlan p = uniform_plan(c, g, false);
  size_t k = 0;
  auto bit = [&]() -> char {
    int v = genes[k++];
    if (v != 0 && v != 1)
      throw core::Error("checkpoint gene " + std::to_string(k - 1) + " is " + std::to_string(v) +
                        ", expected 0 or 1");
    return static_cast<char>(v);
  };
  for (auto& b : p.keep_boundary) b = bit();
  for (auto& bits : p.keep_saved)
    for (auto& b : bits) b = bit();
  return p;
}

std::vector<int> plan_genes(const ChainPlan& p) {
  std::vector<int> out(p.keep_boundary.begin(), p.keep_boundary.end());
  for (const auto& bits : p.keep_saved) out.insert(out.end(), bits.begin(), bits.end());
  return out;
}

std::string plan_str(const Chain& c, const ChainPlan& p) {
  check_plan(c, p);
  std::string s;
  for (int i = 0; i < c.size(); ++i) {
    const auto& bits = p.keep_saved[i];
    const auto kept = std::count(bits.begin(), bits.end(), 1);
    if (c.elements[i].saved.empty())
      s += '-';
    else
      s += kept == static_cast<long>(bits.size()) ? 'K' : kept == 0 ? 'D' : 'P';
    if (i + 1 < c.size() && p.keep_boundary[i]) s += '|';
  }
  return s;
}

CheckpointPlan to_checkpoint_plan(const Chain& c, const ChainPlan& p) {
  check_plan(c, p);
  CheckpointPlan out;
  out.kind = CheckpointKind::kExplicit;
  for (int i = 0; i < c.size(); ++i) {
    const auto& e = c.elements[i];
    if (e.ops.empty())
      throw core::Error("chain '" + c.name + "' is synthetic: its tensors have no graph names");
    for (size_t k = 0; k < e.saved.size(); ++k)
      if (!keeps_saved(p, i, k)) out.names.push_back(e.saved[k].name);
    if (i + 1 < c.size() && !p.keep_boundary[i]) out.names.push_back(e.output_name);
  }
  if (out.names.empty()) out.kind = CheckpointKind::kNone;
  return out;
}

ChainEvaluation evaluate_chain_plan(const Chain& c, const ChainPlan& p) {
  check_plan(c, p);
  const int n = c.size();
  // Boundary j is a_j: 0 the chain input, n the chain output.
  auto boundary_bytes = [&](int j) {
    return j == 0 ? c.input_bytes : c.elements[j - 1].output_bytes;
  };
  auto boundary_kept = [&](int j) { return j == 0 || (j < n && p.keep_boundary[j - 1]); };
  std::vector<char> boundary_live(n + 1, 0);
  std::vector<std::vector<char>> saved_live(n);
  for (int i = 0; i < n; ++i) saved_live[i].assign(c.elements[i].saved.size(), 0);

  ChainEvaluation r;
  r.recomputed.assign(n, 0);
  int64_t live = 0;
  auto set_boundary = [&](int j, bool on) {
    if (boundary_live[j] == on) return;
    boundary_live[j] = on;
    live += on ? boundary_bytes(j) : -boundary_bytes(j);
  };
  auto set_saved = [&](int i, size_t k, bool on) {
    if (saved_live[i][k] == on) return;
    saved_live[i][k] = on;
    live += on ? c.elements[i].saved[k].bytes : -c.elements[i].saved[k].bytes;
  };
  auto run = [&](int i) {  // forward or recompute of e_i: all its tensors appear
    set_boundary(i + 1, true);
    for (size_t k = 0; k < saved_live[i].size(); ++k) set_saved(i, k, true);
  };
  auto step = [&](int i, bool backward) {
    if (live > r.peak_bytes || r.peak_element < 0) {
      r.peak_bytes = live;
      r.peak_element = i;
      r.peak_in_backward = backward;
    }
  };
  auto recompute = [&](int i, bool for_output) {
    if (r.recomputed[i]) throw core::Error("internal: element recomputed twice");
    r.recomputed[i] = 1;
    r.recompute_cost += for_output ? c.elements[i].cost : c.elements[i].saved_cost;
    run(i);
  };

  set_boundary(0, true);
  for (int i = 0; i < n; ++i) {
    run(i);
    step(i, false);
    for (size_t k = 0; k < saved_live[i].size(); ++k)
      if (!keeps_saved(p, i, k)) set_saved(i, k, false);
    if (!boundary_kept(i)) set_boundary(i, false);
  }
  r.kept_bytes = live;
  for (int i = n - 1; i >= 0; --i) {
    int from = i;  // nearest live boundary at or before a_i
    while (!boundary_live[from]) --from;
    for (int j = from; j < i; ++j) recompute(j, true);
    bool missing = false;
    for (char on : saved_live[i]) missing = missing || !on;
    if (missing) recompute(i, false);
    if (!boundary_live[i + 1]) throw core::Error("internal: output boundary not live at backward");
    step(i, true);
    for (size_t k = 0; k < saved_live[i].size(); ++k) set_saved(i, k, false);
    set_boundary(i + 1, false);
  }
  return r;
}

}  // namespace monet::training
