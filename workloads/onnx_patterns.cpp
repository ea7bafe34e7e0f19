#include "workloads/onnx_patterns.hpp"

#include <algorithm>
#include <set>

namespace monet::workloads::onnx_detail {

namespace {

constexpr size_t kMaxRegion = 48;  // a decomposed LayerNorm or GELU has fewer than 12 nodes

class Finder {
 public:
  Finder(const NodeIndex& idx, const Roles& roles, const TypeTable& types, const Constants& consts,
         int64_t opset)
      : idx_(idx), roles_(roles), types_(types), consts_(consts), default_opset_(opset) {
    p_.claimed.assign(idx.graph.node_size(), 0);
  }

  Patterns run() {
    pads();
    biases();
    silu();
    embeddings();
    for (int i = 0; i < node_count(); ++i) {
      const std::string& op = idx_.node(i).op_type();
      if (p_.claimed[i]) continue;
      if (op == "Erf" || op == "Tanh") gelu(i);
      if (op == "ReduceMean") layernorm(i);
    }
    return std::move(p_);
  }

 private:
  int node_count() const { return idx_.graph.node_size(); }
  const onnx::NodeProto& node(int i) const { return idx_.node(i); }
  bool is(const std::string& v, Role r) const { return roles_.is(v, r); }

  void add(Fused f) {
    std::sort(f.nodes.begin(), f.nodes.end());
    for (int n : f.nodes) p_.claimed[n] = 1;
    p_.fused_at[f.nodes.back()] = static_cast<int>(p_.fused.size());
    p_.fused.push_back(std::move(f));
  }

  // Output features of a compute node, from its weight's declared shape.
  std::optional<int64_t> features(const onnx::NodeProto& c) const {
    if (c.input_size() < 2) return std::nullopt;
    auto w = types_.shape(c.input(1));
    if (!w || w->size() < 2) return std::nullopt;
    if (c.op_type() == "Conv") return (*w)[0];
    if (c.op_type() == "Gemm") return attr_int(c, "transB", 0) ? (*w)[0] : (*w)[1];
    return w->back();  // MatMul
  }

  void biases() {
    for (int i = 0; i < node_count(); ++i) {
      const auto& n = node(i);
      if (p_.claimed[i] || n.op_type() != "Add" || n.input_size() != 2) continue;
      for (int side = 0; side < 2; ++side) {
        const std::string &a = n.input(side), &w = n.input(1 - side);
        int c = idx_.producer_of(a);
        if (c < 0 || p_.claimed[c] || p_.bias.count(c) || !is(w, Role::kWeight)) continue;
        const auto& cn = node(c);
        const std::string& op = cn.op_type();
        if (op != "Conv" && op != "MatMul" && op != "Gemm") continue;
        if (cn.input_size() > 2 && !cn.input(2).empty()) continue;  // has a bias already
        if (!is(cn.input(0), Role::kActivation) || !is(cn.input(1), Role::kWeight)) continue;
        if (!idx_.used_only_by(a, {i})) continue;
        auto f = features(cn);
        auto ws = types_.shape(w);
        if (!f || !ws || elements_of(*ws) != *f) continue;
        // The bias must lie along the feature axis: [F] or [F,1,1]/[1,F,1,1] for a conv.
        bool aligned = ws->size() == 1 || (op != "Conv" && ws->back() == *f) ||
                       (op == "Conv" && ws->size() >= 3 && (*ws)[ws->size() - 3] == *f);
        if (!aligned) continue;
        p_.bias[c] = BiasFold{w, n.output(0), i};
        p_.claimed[i] = 1;
        break;
      }
    }
  }

  // The pads of a Pad node when they are constant and it pads with zeros.
  std::optional<std::vector<int64_t>> zero_pads(const onnx::NodeProto& n, size_t rank) const {
    if (attr_string(n, "mode", "constant") != "constant") return std::nullopt;
    if (default_opset_ < 11) {
      if (const auto* v = find_attr(n, "value"); v && v->f() != 0) return std::nullopt;
    } else if (n.input_size() > 2 && !n.input(2).empty()) {
      const ConstTensor* v = consts_.find(n.input(2));
      if (!v || v->size() != 1 || v->real(0) != 0) return std::nullopt;
    }
    return pad_amounts(n, default_opset_, rank, consts_);
  }

  void pads() {
    for (int i = 0; i < node_count(); ++i) {
      const auto& n = node(i);
      if (n.op_type() != "Pad" || !is(n.input(0), Role::kActivation)) continue;
      auto s = types_.shape(n.input(0));
      if (!s || s->size() != 4) continue;
      auto p = zero_pads(n, 4);
      if (!p || (*p)[0] || (*p)[1] || (*p)[4] || (*p)[5]) continue;  // batch or channels
      bool ok = !idx_.graph_outputs.count(n.output(0)) && !idx_.consumers_of(n.output(0)).empty();
      for (int64_t v : *p) ok = ok && v >= 0 && v <= kMaxWindow;
      for (int c : idx_.consumers_of(n.output(0))) {
        const auto& cn = node(c);
        ok = ok && cn.op_type() == "Conv" && cn.input(0) == n.output(0) &&
             attr_string(cn, "auto_pad", "NOTSET") == "NOTSET";
        for (int k = 1; k < cn.input_size(); ++k) ok = ok && cn.input(k) != n.output(0);
      }
      if (!ok) continue;
      for (int c : idx_.consumers_of(n.output(0)))
        p_.pads[c] = PadFold{n.input(0), {(*p)[2], (*p)[3], (*p)[6], (*p)[7]}};
      p_.claimed[i] = 1;
    }
  }

  void silu() {
    for (int i = 0; i < node_count(); ++i) {
      const auto& n = node(i);
      if (p_.claimed[i] || n.op_type() != "Sigmoid" || !is(n.input(0), Role::kActivation)) continue;
      const std::string &x = n.input(0), &s = n.output(0);
      const auto& users = idx_.consumers_of(s);
      if (users.size() != 1 || idx_.graph_outputs.count(s)) continue;
      int m = users[0];
      const auto& mn = node(m);
      if (p_.claimed[m] || mn.op_type() != "Mul" || mn.input_size() != 2) continue;
      if (!((mn.input(0) == x && mn.input(1) == s) || (mn.input(0) == s && mn.input(1) == x)))
        continue;
      add({OpKind::kSilu, {i, m}, x, {}, mn.output(0)});
    }
  }

  void embeddings() {
    for (int i = 0; i < node_count(); ++i) {
      const auto& n = node(i);
      if (p_.claimed[i] || n.op_type() != "Add" || n.input_size() != 2) continue;
      int tok = -1, pos = -1;
      for (int side = 0; side < 2; ++side) {
        int g = idx_.producer_of(n.input(side));
        if (g < 0 || p_.claimed[g] || node(g).op_type() != "Gather") continue;
        const auto& gn = node(g);
        if (gn.input_size() != 2 || !is(gn.input(0), Role::kWeight)) continue;
        if (!idx_.used_only_by(n.input(side), {i})) continue;
        if (is(gn.input(1), Role::kActivation)) tok = g;
        if (is(gn.input(1), Role::kConstant)) pos = g;
      }
      if (tok < 0 || pos < 0) continue;
      add({OpKind::kEmbedding,
           {tok, pos, i},
           node(tok).input(1),
           {node(tok).input(0), node(pos).input(0)},
           n.output(0)});
    }
  }

  static bool pointwise(const std::string& op, bool ln) {
    static const std::set<std::string> gelu_ops = {"Mul", "Div",  "Add", "Sub",
                                                   "Pow", "Sqrt", "Erf", "Tanh"};
    return gelu_ops.count(op) || (ln && (op == "ReduceMean" || op == "Reciprocal"));
  }

  // Nodes reachable from x through pointwise nodes whose other operands are constants (and,
  // for a LayerNorm, the γ/β weights of a Mul/Add), in topological order.
  std::vector<int> region(const std::string& x, bool ln) const {
    std::set<int> work(idx_.consumers_of(x).begin(), idx_.consumers_of(x).end());
    std::unordered_set<std::string> avail = {x};
    std::vector<int> out;
    while (!work.empty() && out.size() < kMaxRegion) {
      int i = *work.begin();
      work.erase(work.begin());
      const auto& n = node(i);
      if (p_.claimed[i] || !pointwise(n.op_type(), ln) || n.output_size() != 1) continue;
      bool ok = true, touches = false;
      for (const auto& in : n.input()) {
        if (in.empty()) continue;
        if (avail.count(in))
          touches = true;
        else if (!is(in, Role::kConstant) &&
                 !(ln && is(in, Role::kWeight) &&
                   (n.op_type() == "Mul" || n.op_type() == "Add" || n.op_type() == "Sub")))
          ok = false;
      }
      if (!ok || !touches) continue;
      out.push_back(i);
      avail.insert(n.output(0));
      for (int c : idx_.consumers_of(n.output(0))) work.insert(c);
    }
    return out;
  }

  std::unordered_set<int> ancestors(int o, const std::unordered_set<int>& in_region) const {
    std::unordered_set<int> a = {o};
    std::vector<int> stack = {o};
    while (!stack.empty()) {
      int i = stack.back();
      stack.pop_back();
      for (const auto& in : node(i).input()) {
        int p = in.empty() ? -1 : idx_.producer_of(in);
        if (p >= 0 && in_region.count(p) && a.insert(p).second) stack.push_back(p);
      }
    }
    return a;
  }

  bool closed(const std::unordered_set<int>& group, int o) const {
    for (int i : group)
      if (i != o && !idx_.used_only_by(node(i).output(0), group)) return false;
    return true;
  }

  bool reduces_last_axis(const onnx::NodeProto& n, const std::string& x) const {
    std::optional<std::vector<int64_t>> axes = attr_ints(n, "axes");
    if (axes->empty() && n.input_size() > 1) axes = consts_.ints(n.input(1));
    if (!axes || axes->size() != 1 || attr_int(n, "keepdims", 1) != 1) return false;
    auto s = types_.shape(x);
    return (*axes)[0] == -1 || (s && (*axes)[0] == static_cast<int64_t>(s->size()) - 1);
  }

  // Fills weights for a LayerNorm; checks the GELU shape otherwise.
  bool classify(const std::unordered_set<int>& group, const std::string& x, bool ln,
                std::vector<std::string>& weights) const {
    int erf_tanh = 0, means = 0, sqrts = 0, subs = 0, act_products = 0;
    std::string gamma, beta;
    for (int i : group) {
      const auto& n = node(i);
      const std::string& op = n.op_type();
      erf_tanh += op == "Erf" || op == "Tanh";
      sqrts += op == "Sqrt";
      subs += op == "Sub";
      if (op == "ReduceMean") {
        if (!reduces_last_axis(n, x)) return false;
        ++means;
      }
      int non_const = 0;
      for (const auto& in : n.input()) {
        if (in.empty()) continue;
        non_const += is(in, Role::kActivation);
        if (is(in, Role::kWeight)) {
          std::string& slot = op == "Mul" ? gamma : beta;
          if (!slot.empty()) return false;
          slot = in;
        }
      }
      act_products += op == "Mul" && non_const == 2;
    }
    if (ln) {
      if (means != 2 || sqrts != 1 || subs < 1 || erf_tanh || gamma.empty() || beta.empty())
        return false;
      weights = {gamma, beta};
      return true;
    }
    return erf_tanh == 1 && act_products >= 1 && gamma.empty() && beta.empty();
  }

  bool try_root(const std::string& x, int seed, bool ln) {
    std::vector<int> r = region(x, ln);
    std::unordered_set<int> in_region(r.begin(), r.end());
    if (!in_region.count(seed)) return false;
    for (int o : r) {
      std::unordered_set<int> group = ancestors(o, in_region);
      std::vector<std::string> weights;
      if (!group.count(seed) || !closed(group, o) || !classify(group, x, ln, weights)) continue;
      std::string out = node(o).output(0);
      // A trailing scale by a constant (the 0.5 of the erf form) belongs to the GELU.
      while (!ln) {
        const auto& users = idx_.consumers_of(out);
        if (users.size() != 1 || idx_.graph_outputs.count(out) || !in_region.count(users[0])) break;
        const auto& u = node(users[0]);
        bool scalar_op = u.input_size() == 2 && (u.op_type() == "Mul" || u.op_type() == "Div") &&
                         is(u.input(u.input(0) == out ? 1 : 0), Role::kConstant);
        if (!scalar_op) break;
        group.insert(users[0]);
        out = u.output(0);
      }
      add({ln ? OpKind::kLayerNorm : OpKind::kGelu, std::vector<int>(group.begin(), group.end()), x,
           weights, out});
      return true;
    }
    return false;
  }

  void gelu(int seed) {
    // Candidate inputs x: values feeding the seed through pointwise nodes, nearest first.
    std::vector<std::string> candidates;
    std::vector<int> stack = {seed};
    std::unordered_set<int> seen = {seed};
    while (!stack.empty() && seen.size() < 16) {
      int i = stack.back();
      stack.pop_back();
      for (const auto& in : node(i).input()) {
        if (in.empty() || !is(in, Role::kActivation)) continue;
        candidates.push_back(in);
        int p = idx_.producer_of(in);
        if (p >= 0 && !p_.claimed[p] && pointwise(node(p).op_type(), false) &&
            seen.insert(p).second)
          stack.push_back(p);
      }
    }
    std::sort(candidates.begin(), candidates.end(), [&](const auto& a, const auto& b) {
      return idx_.producer_of(a) > idx_.producer_of(b);
    });
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const auto& x : candidates)
      if (try_root(x, seed, false)) return;
  }

  void layernorm(int seed) {
    const auto& n = node(seed);
    if (n.input_size() < 1 || !is(n.input(0), Role::kActivation)) return;
    try_root(n.input(0), seed, true);
  }

  const NodeIndex& idx_;
  const Roles& roles_;
  const TypeTable& types_;
  const Constants& consts_;
  const int64_t default_opset_;
  Patterns p_;
};

}  // namespace

std::optional<std::vector<int64_t>> pad_amounts(const onnx::NodeProto& n, int64_t opset,
                                                size_t rank, const Constants& consts) {
  std::optional<std::vector<int64_t>> pads;
  if (opset < 11)
    pads = attr_ints(n, "pads");
  else if (n.input_size() > 1)
    pads = consts.ints(n.input(1));
  if (pads && opset >= 18 && n.input_size() > 3 && !n.input(3).empty()) {
    auto axes = consts.ints(n.input(3));
    if (!axes || pads->size() != 2 * axes->size()) return std::nullopt;
    std::vector<int64_t> all(2 * rank, 0);
    for (size_t k = 0; k < axes->size(); ++k) {
      auto ax = norm_axis((*axes)[k], rank);
      if (!ax) return std::nullopt;
      all[*ax] = (*pads)[k];
      all[*ax + rank] = (*pads)[k + axes->size()];
    }
    pads = all;
  }
  if (!pads || pads->size() != 2 * rank) return std::nullopt;
  return pads;
}

Patterns find_patterns(const NodeIndex& idx, const Roles& roles, const TypeTable& types,
                       const Constants& consts, int64_t opset) {
  return Finder(idx, roles, types, consts, opset).run();
}

}  // namespace monet::workloads::onnx_detail
