#include "training/adapters.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "core/glob.hpp"
#include "core/names.hpp"
#include "training/checkpoint.hpp"
#include "training/options.hpp"
#include "workloads/builder.hpp"

namespace monet::training {

const core::NameTable<AdapterKind>& adapter_kind_names() {
  static const core::NameTable<AdapterKind> table("adapter kind",
                                                  {
                                                      {AdapterKind::kLora, "lora"},
                                                      {AdapterKind::kDa3, "da3"},
                                                      {AdapterKind::kLiteResidual, "lite-residual"},
                                                  });
  return table;
}

using workloads::Builder;
using workloads::Graph;
using workloads::Op;
using workloads::OpKind;
using workloads::Shape;
using workloads::TensorKind;

namespace {

// A located failure: the target's own line when known, else the adapter entry, else text.
[[noreturn]] void fail(const AdapterSpec& a, int target, const std::string& field_suffix,
                       const std::string& value, const std::string& rule) {
  const std::string what = "adapter " + std::string(adapter_kind_name(a.kind));
  if (target >= 0 && static_cast<size_t>(target) < a.target_sources.size()) {
    core::ConfigIssue issue = a.target_sources[static_cast<size_t>(target)];
    issue.value = value;
    issue.rule = what + ": " + rule;
    throw core::ConfigError({issue});
  }
  if (!a.where.field.empty()) {
    core::ConfigIssue issue = a.where;
    issue.field += field_suffix;
    issue.value = value;
    issue.rule = what + ": " + rule;
    throw core::ConfigError({issue});
  }
  throw core::Error(what + (field_suffix.empty() ? "" : " field '" + field_suffix.substr(1) + "'") +
                    " = '" + value + "': " + rule);
}

// ofa.utils.make_divisible, which TinyTL uses for the lite residual width.
int64_t make_divisible(double v, int64_t divisor) {
  int64_t n =
      std::max<int64_t>(divisor, static_cast<int64_t>(v + divisor / 2.0) / divisor * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

bool is_projection(const Graph& g, const Op& op) {
  int w = op.operand_tensor[1];
  return op.kind == OpKind::kMatmul && op.nest && w >= 0 &&
         g.tensor(w).kind == TensorKind::kParameter;
}

// One block an adapter attaches to: its single input and the output of its last op.
struct BlockSite {
  std::string block;
  int input = -1;
  int last_op = -1;
};

BlockSite block_site(const Graph& g, const std::vector<int>& unit, const AdapterSpec& a,
                     int target) {
  BlockSite s;
  s.block = g.op(unit.front()).block;
  s.last_op = unit.back();
  auto inputs = unit_inputs(g, unit);
  if (inputs.size() != 1)
    fail(a, target, ".targets", s.block,
         "block '" + s.block + "' reads " + std::to_string(inputs.size()) +
             " activations from outside; an adapter needs a block with one input");
  s.input = inputs[0];
  const int y = g.op(s.last_op).outputs.at(0);
  // Nothing but the last op's output may leave the block, or the adapter would miss a path.
  for (int id : unit)
    for (int t : g.op(id).outputs)
      for (int c : g.tensor(t).consumers)
        if (std::find(unit.begin(), unit.end(), c) == unit.end() && t != y)
          fail(a, target, ".targets", s.block,
               "block '" + s.block + "' has an output other than its last op's ('" +
                   g.tensor(t).name + "')");
  if (g.tensor(s.input).shape.size() != 4 || g.tensor(y).shape.size() != 4)
    fail(a, target, ".targets", s.block,
         "block '" + s.block + "' must map a 4-D feature map [B, C, H, W] to another");
  return s;
}

class Rewriter {
 public:
  Rewriter(const Graph& g, int bits) : src_(g), b_(g.name(), bits) {}

  AdaptedGraph run(const std::vector<AdapterSpec>& adapters) {
    resolve(adapters);
    Graph& out = b_.graph();
    for (const auto& t : src_.tensors()) out.add_tensor(t.name, t.shape, t.elem_bits, t.kind);
    remap_.resize(src_.tensors().size());
    for (size_t t = 0; t < remap_.size(); ++t) remap_[t] = static_cast<int>(t);
    for (const Op& op : src_.ops()) {
      Op copy = op;
      copy.id = -1;
      for (int& t : copy.inputs) t = remap_[t];
      for (int k = 0; k < workloads::kOperandCount; ++k)
        if (k != static_cast<int>(copy.nest ? copy.nest->output : workloads::Operand::kO) &&
            copy.operand_tensor[k] >= 0)
          copy.operand_tensor[k] = remap_[copy.operand_tensor[k]];
      out.add_op(std::move(copy));
      if (lora_[op.id] >= 0) add_lora(op, adapters[static_cast<size_t>(lora_[op.id])]);
      if (block_[op.id] >= 0) add_block(op, adapters[static_cast<size_t>(block_[op.id])]);
    }
    AdaptedGraph r;
    r.adapter_params = params_;
    r.graph = b_.finish();
    return r;
  }

 private:
  void resolve(const std::vector<AdapterSpec>& adapters) {
    lora_.assign(src_.ops().size(), -1);
    block_.assign(src_.ops().size(), -1);
    auto units = block_units(src_);
    for (size_t i = 0; i < adapters.size(); ++i) {
      const AdapterSpec& a = adapters[i];
      if (a.targets.empty()) fail(a, -1, ".targets", "", "names no target");
      if (a.kind == AdapterKind::kLora && a.rank < 1)
        fail(a, -1, ".rank", std::to_string(a.rank), "rank must be >= 1");
      if (a.kind == AdapterKind::kLora && a.alpha < 0)
        fail(a, -1, ".alpha", std::to_string(a.alpha), "alpha must be > 0 (0 means alpha = rank)");
      if (a.kind == AdapterKind::kDa3 && a.pool < 1)
        fail(a, -1, ".pool", std::to_string(a.pool), "pool must be >= 1");
      if (a.kind == AdapterKind::kLiteResidual &&
          (a.downsample < 1 || a.kernel < 1 || a.kernel % 2 == 0 || a.groups < 1 || a.expand <= 0))
        fail(a, -1, "", a.str(),
             "downsample >= 1, an odd kernel >= 1, groups >= 1 and expand > 0 are needed");
      for (size_t k = 0; k < a.targets.size(); ++k) {
        const std::string& pattern = a.targets[k];
        const int target = static_cast<int>(k);
        bool any = false;
        if (a.kind == AdapterKind::kLora) {
          for (const Op& op : src_.ops()) {
            if (!core::glob_match(pattern, op.name)) continue;
            any = true;
            if (!is_projection(src_, op))
              fail(a, target, ".targets", pattern,
                   "matches '" + op.name + "', a " + std::string(workloads::op_kind_name(op.kind)) +
                       " op that is not a projection (LoRA needs a matmul/linear op whose "
                       "second operand is a weight parameter)");
            claim(lora_, op.id, static_cast<int>(i), a, target, op.name);
          }
        } else {
          for (const auto& unit : units) {
            const std::string& block = src_.op(unit.front()).block;
            if (block.empty() || !core::glob_match(pattern, block)) continue;
            any = true;
            BlockSite s = block_site(src_, unit, a, target);
            claim(block_, s.last_op, static_cast<int>(i), a, target, block);
            site_input_[s.last_op] = s.input;
          }
        }
        if (!any)
          fail(a, target, ".targets", pattern,
               std::string("matches no ") + (a.kind == AdapterKind::kLora ? "op" : "block") +
                   " of graph '" + src_.name() + "'");
      }
    }
  }

  void claim(std::vector<int>& slot, int op, int adapter, const AdapterSpec& a, int target,
             const std::string& what) {
    if (slot[static_cast<size_t>(op)] >= 0)
      fail(a, target, ".targets", what, "'" + what + "' is adapted twice by this kind of adapter");
    slot[static_cast<size_t>(op)] = adapter;
  }

  // Every parameter tensor created since `first` is an adapter parameter.
  void collect_params(size_t first) {
    const Graph& g = b_.graph();
    for (size_t t = first; t < g.tensors().size(); ++t)
      if (g.tensor(static_cast<int>(t)).kind == TensorKind::kParameter)
        params_.push_back(static_cast<int>(t));
  }

  int op_of(int tensor) { return b_.graph().tensor(tensor).producer; }

  void add_lora(const Op& target, const AdapterSpec& a) {
    const size_t first = b_.graph().tensors().size();
    b_.set_block(target.block);
    const int x = remap_[target.operand_tensor[0]];
    const int y = target.outputs.at(0);
    const int64_t d_out = b_.graph().tensor(target.operand_tensor[1]).shape.at(0);
    const std::string n = target.name + ".lora";
    int h = b_.linear(n + "_A", x, a.rank, false);
    h = b_.linear(n + "_B", h, d_out, false);
    int sum = b_.add(n, y, h);
    // y + (α/r)·h: the scaling is a multiply per element unless α = r.
    const double alpha = a.alpha > 0 ? a.alpha : a.rank;
    if (alpha != a.rank) b_.graph().mutable_op(op_of(sum)).ops_per_element = 2;
    remap_[y] = sum;
    collect_params(first);
  }

  void add_block(const Op& last, const AdapterSpec& a) {
    const size_t first = b_.graph().tensors().size();
    b_.set_block(last.block);
    const int x = remap_[site_input_.at(last.id)];
    const int y = remap_[last.outputs.at(0)];  // a LoRA sum when the last op has one
    const Shape xs = b_.shape(x), ys = b_.shape(y);
    const int64_t cin = xs[1], cout = ys[1], ho = ys[2], wo = ys[3];
    if (xs[2] % ho != 0 || xs[3] % wo != 0 || xs[2] / ho != xs[3] / wo)
      fail(a, -1, ".targets", last.block,
           "block '" + last.block + "' maps " + std::to_string(xs[2]) + "x" +
               std::to_string(xs[3]) + " to " + std::to_string(ho) + "x" + std::to_string(wo) +
               ", not an integer stride");
    const int stride = static_cast<int>(xs[2] / ho);
    int branch = -1;
    if (a.kind == AdapterKind::kDa3) {
      const std::string n = last.block + ".da3";
      if (xs[2] < a.pool || xs[3] < a.pool)
        fail(a, -1, ".pool", std::to_string(a.pool),
             "larger than block '" + last.block + "''s input map");
      int h = a.pool > 1 ? b_.maxpool(n + ".pool", x, a.pool, a.pool) : x;
      h = b_.conv(n + ".conv", h, cout, 1, stride, 0);
      h = b_.batchnorm(n + ".bn", h);
      h = b_.unary(n + ".sigmoid", h, OpKind::kSigmoid);
      branch = b_.shape(h)[2] == ho && b_.shape(h)[3] == wo ? h : b_.upsample(n + ".up", h, ho, wo);
    } else {
      const std::string n = last.block + ".lite";
      const int64_t mid = make_divisible(static_cast<double>(cin) * a.expand, 8);
      if (cin % a.groups != 0 || mid % a.groups != 0)
        fail(a, -1, ".groups", std::to_string(a.groups),
             "must divide the input channels (" + std::to_string(cin) + ") and the width (" +
                 std::to_string(mid) + ") of block '" + last.block + "'");
      const int64_t pooled = std::min(xs[2], xs[3]) / a.downsample;
      int h = x, kernel = a.kernel;
      if (pooled <= 1) {  // TinyTL: global pooling and a 1x1 kernel
        h = b_.global_avgpool(n + ".pool", h);
        h = b_.reshape(n + ".pool.map", h, {xs[0], cin, 1, 1});
        kernel = 1;
      } else {
        if (a.downsample > 1) h = b_.avgpool(n + ".pool", h, a.downsample, a.downsample);
        while (kernel > pooled) kernel -= 2;
      }
      const int s = pooled <= 1 ? 1 : stride;
      h = b_.conv(n + ".conv1", h, mid, kernel, s, kernel / 2, a.groups);
      h = b_.batchnorm(n + ".bn1", h);
      h = b_.unary(n + ".relu", h, OpKind::kRelu);
      h = b_.conv(n + ".conv2", h, cout, 1, 1, 0);
      h = b_.batchnorm(n + ".bn2", h);
      branch = b_.shape(h)[2] == ho && b_.shape(h)[3] == wo ? h : b_.upsample(n + ".up", h, ho, wo);
    }
    remap_[last.outputs.at(0)] =
        b_.add(last.block + (a.kind == AdapterKind::kDa3 ? ".da3" : ".lite"), y, branch);
    collect_params(first);
  }

  const Graph& src_;
  Builder b_;
  std::vector<int> remap_;                   // source tensor → the tensor readers read now
  std::vector<int> lora_, block_;            // per source op: the adapter attached after it, or -1
  std::unordered_map<int, int> site_input_;  // block's last op → block input
  std::vector<int> params_;
};
}  // namespace

std::string_view adapter_kind_name(AdapterKind k) {
  return adapter_kind_names().name(k);
}

AdapterKind parse_adapter_kind(std::string_view name) {
  if (auto k = adapter_kind_names().find(name)) return *k;
  throw core::Error("unknown adapter kind '" + std::string(name) +
                    "' (valid: " + adapter_kind_names().list() + ")");
}

std::string AdapterSpec::str() const {
  std::ostringstream o;
  o << adapter_kind_name(kind) << "(";
  switch (kind) {
    case AdapterKind::kLora:
      o << "rank " << rank << ", alpha " << (alpha > 0 ? alpha : rank);
      break;
    case AdapterKind::kDa3:
      o << "pool " << pool;
      break;
    case AdapterKind::kLiteResidual:
      o << "downsample " << downsample << ", kernel " << kernel << ", groups " << groups
        << ", expand " << expand;
      break;
  }
  o << ":";
  for (size_t i = 0; i < targets.size(); ++i) o << (i ? "," : " ") << targets[i];
  o << ")";
  return o.str();
}

std::string AdapterSpec::yaml() const {
  std::ostringstream o;
  o << "{kind: " << adapter_kind_name(kind);
  switch (kind) {
    case AdapterKind::kLora:
      o << ", rank: " << rank;
      if (alpha > 0) o << ", alpha: " << alpha;
      break;
    case AdapterKind::kDa3:
      o << ", pool: " << pool;
      break;
    case AdapterKind::kLiteResidual:
      o << ", downsample: " << downsample << ", kernel: " << kernel << ", groups: " << groups
        << ", expand: " << expand;
      break;
  }
  o << ", targets: [";
  for (size_t i = 0; i < targets.size(); ++i) {
    o << (i ? ", " : "") << '"';
    for (char c : targets[i])
      o << ((c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c));
    o << '"';
  }
  o << "]}";
  return o.str();
}

AdaptedGraph apply_adapters(const Graph& forward, const std::vector<AdapterSpec>& adapters) {
  return Rewriter(forward, workload_element_bits(forward)).run(adapters);
}

std::vector<AdapterSpec> adapters_from_yaml(const core::YamlNode& node) {
  if (!node.is_seq()) node.fail("must be a list of adapters {kind, targets, ...}");
  std::vector<AdapterSpec> out;
  core::IssueList issues;
  for (size_t i = 0; i < node.size(); ++i) {
    core::YamlNode n = node.at(i);
    try {
      if (!n.is_map()) n.fail("must be a map {kind, targets, ...}");
      AdapterSpec a;
      a.where = n.issue("");
      core::YamlNode kind = n.required("kind");
      try {
        a.kind = parse_adapter_kind(kind.as_string());
      } catch (const core::ConfigError&) {
        throw;
      } catch (const core::Error& e) {
        kind.fail(e.what());
      }
      switch (a.kind) {
        case AdapterKind::kLora:
          n.reject_unknown_keys({"kind", "targets", "rank", "alpha"});
          if (n.has("rank")) a.rank = static_cast<int>(n["rank"].as_int(1, 1 << 20));
          if (n.has("alpha")) {
            a.alpha = n["alpha"].as_double();
            if (!(a.alpha > 0)) n["alpha"].fail("must be > 0");
          }
          break;
        case AdapterKind::kDa3:
          n.reject_unknown_keys({"kind", "targets", "pool"});
          if (n.has("pool")) a.pool = static_cast<int>(n["pool"].as_int(1, 64));
          break;
        case AdapterKind::kLiteResidual:
          n.reject_unknown_keys({"kind", "targets", "downsample", "kernel", "groups", "expand"});
          if (n.has("downsample")) a.downsample = static_cast<int>(n["downsample"].as_int(1, 64));
          if (n.has("kernel")) {
            a.kernel = static_cast<int>(n["kernel"].as_int(1, 15));
            if (a.kernel % 2 == 0) n["kernel"].fail("must be odd");
          }
          if (n.has("groups")) a.groups = static_cast<int>(n["groups"].as_int(1, 1 << 16));
          if (n.has("expand")) {
            a.expand = n["expand"].as_double();
            if (!(a.expand > 0)) n["expand"].fail("must be > 0");
          }
          break;
      }
      core::YamlNode targets = n.required("targets");
      if (targets.is_scalar()) {
        a.targets.push_back(targets.as_string());
        a.target_sources.push_back(targets.issue(""));
      } else {
        a.targets = targets.as_string_list();
        for (size_t k = 0; k < targets.size(); ++k)
          a.target_sources.push_back(targets.at(k).issue(""));
      }
      if (a.targets.empty()) targets.fail("must name at least one target");
      out.push_back(std::move(a));
    } catch (const core::ConfigError& e) {
      issues.append(e);
    }
  }
  issues.throw_if_any();
  return out;
}

std::vector<AdapterSpec> parse_adapters(const std::string& text, const std::string& name) {
  auto ends = [&](const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".yaml") || ends(".yml")) {
    core::YamlNode root = core::load_yaml_file(text);
    if (root.is_map()) {
      root.reject_unknown_keys({"adapters"});
      return adapters_from_yaml(root.required("adapters"));
    }
    return adapters_from_yaml(root);
  }
  return adapters_from_yaml(core::parse_yaml(text, name));
}

}  // namespace monet::training
