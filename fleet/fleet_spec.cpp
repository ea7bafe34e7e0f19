#include "fleet/fleet_spec.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "accelerators/loader.hpp"
#include "core/units.hpp"
#include "core/yaml.hpp"
#include "fusion/names.hpp"
#include "workloads/models.hpp"

namespace monet::fleet {

namespace fs = std::filesystem;

namespace {
std::string resolve(const std::string& path, const std::string& from_file) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  fs::path rel = fs::path(from_file).parent_path() / path;
  return rel.lexically_normal().string();
}

// "69.0 %" as a fraction in [0, 1].
double parse_percent(const core::YamlNode& n, double max_fraction) {
  std::string text = n.as_string();
  const char* begin = text.c_str();
  char* end = nullptr;
  double v = std::strtod(begin, &end);
  std::string unit(end);
  unit.erase(0, unit.find_first_not_of(" \t"));
  if (end == begin || unit != "%" || !std::isfinite(v))
    n.fail("must be a percentage written with its unit (\"69.0 %\")");
  if (v < 0 || v / 100 > max_fraction)
    n.fail("must be in [0 %, " + std::to_string(static_cast<int>(max_fraction * 100)) + " %]");
  return v / 100;
}

double parse_unit(const core::YamlNode& n, core::Dimension dim) {
  try {
    return core::parse_quantity(n.as_string(), dim);
  } catch (const core::ConfigError&) {
    throw;
  } catch (const core::Error& e) {
    n.fail(e.what());
  }
}

double parse_weight(const core::YamlNode& term) {
  if (!term.has("weight")) return 0;
  core::YamlNode w = term["weight"];
  double v = w.as_double();
  if (!std::isfinite(v) || v < 0) w.fail("a QoE weight must be a finite number >= 0");
  return v;
}

FleetModel parse_model(const core::YamlNode& n, const std::string& file) {
  n.expect_map("a model (name, workload, accuracy; optional precision, pruning)");
  n.reject_unknown_keys({"name", "workload", "accuracy", "precision", "pruning"});
  FleetModel m;
  m.where = n.loc();
  m.name = n.required("name").as_string();
  core::YamlNode w = n.required("workload");
  m.workload.where = w.loc();
  if (w.is_scalar()) {
    m.workload.model = w.as_string();
  } else {
    w.expect_map("a built-in model name or a map with model or file");
    w.reject_unknown_keys({"model", "file", "batch"});
    if (w.has("model") == w.has("file")) w.fail("give exactly one of model, file");
    if (w.has("model")) m.workload.model = w["model"].as_string();
    if (w.has("file")) {
      m.workload.file = resolve(w["file"].as_string(), file);
      std::error_code ec;
      if (!fs::is_regular_file(m.workload.file, ec)) w["file"].fail("no such workload file");
    }
    if (w.has("batch")) {
      m.workload.params.batch = w["batch"].as_int(1, 1 << 20);
      m.workload.params.batch_set = true;
    }
  }
  if (!m.workload.model.empty() && !workloads::is_builtin_model(m.workload.model)) {
    std::string known;
    for (auto& b : workloads::builtin_models()) known += (known.empty() ? "" : ", ") + b.name;
    (w.is_scalar() ? w : w["model"]).fail("unknown built-in model (known: " + known + ")");
  }
  m.accuracy = parse_percent(n.required("accuracy"), 1.0);
  if (n.has("precision")) {
    if (!m.workload.file.empty())
      n["precision"].fail(
          "a workload file sets its own element bits; precision applies to "
          "built-in models");
    double bits = parse_unit(n["precision"], core::Dimension::kBits);
    if (bits < 1 || bits > 64 || bits != std::floor(bits))
      n["precision"].fail("must be a whole number of bits in [1, 64]");
    m.bits = static_cast<int>(bits);
    m.workload.params.elem_bits = m.bits;
    m.workload.params.elem_bits_set = true;
  }
  if (n.has("pruning")) {
    m.pruning = parse_percent(n["pruning"], 0.99);
  }
  return m;
}
}  // namespace

FleetSpec load_fleet(const std::string& path) {
  return parse_fleet(core::load_yaml_file(path));
}

FleetSpec parse_fleet(const core::YamlNode& root) {
  const std::string& path = root.file();
  root.expect_map("a fleet file (models, devices, qoe)");
  root.reject_unknown_keys({"models", "devices", "qoe", "noise", "bandit", "fusion"});
  FleetSpec spec;
  spec.file = path;

  std::vector<core::ConfigIssue> issues;
  std::set<std::string> names;
  auto models = root.required("models").expect_seq("a list of models");
  for (size_t i = 0; i < models.size(); ++i) {
    try {
      FleetModel m = parse_model(models.at(i), path);
      if (!names.insert(m.name).second)
        issues.push_back(models.at(i)["name"].issue("another model has this name"));
      else
        spec.models.push_back(std::move(m));
    } catch (const core::ConfigError& e) {
      for (const auto& issue : e.issues()) issues.push_back(issue);
    }
  }
  names.clear();
  auto devices = root.required("devices").expect_seq("a list of devices");
  for (size_t i = 0; i < devices.size(); ++i) {
    core::YamlNode n = devices.at(i);
    n.expect_map("a device (name, accelerator, users)");
    n.reject_unknown_keys({"name", "accelerator", "users"});
    FleetDevice d;
    d.where = n.loc();
    core::YamlNode acc = n.required("accelerator");
    d.name = n.has("name") ? n["name"].as_string() : acc.as_string();
    std::string given = acc.as_string();
    std::error_code ec;
    std::string as_file = resolve(given, path);
    if (fs::is_regular_file(as_file, ec))
      d.accelerator = fs::weakly_canonical(as_file).string();
    else if (std::string p = accelerators::preset_path(given); !p.empty())
      d.accelerator = fs::weakly_canonical(p).string();
    else {
      issues.push_back(acc.issue("neither an accelerator file nor a preset"));
      continue;
    }
    d.users = n.required("users").as_int(1, int64_t{1} << 40);
    if (!names.insert(d.name).second) {
      issues.push_back((n.has("name") ? n["name"] : acc).issue("another device has this name"));
      continue;
    }
    spec.devices.push_back(std::move(d));
  }
  if (models.size() == 0) issues.push_back(root["models"].issue("lists no model"));
  if (devices.size() == 0) issues.push_back(root["devices"].issue("lists no device"));

  core::YamlNode q = root.required("qoe");
  q.expect_map("a QoE function (accuracy, latency, energy)");
  q.reject_unknown_keys({"accuracy", "latency", "energy"});
  spec.qoe.where = q.loc();
  try {
    if (q.has("accuracy")) {
      core::YamlNode a = q["accuracy"].expect_map("weight and/or min");
      a.reject_unknown_keys({"weight", "min"});
      spec.qoe.accuracy_weight = parse_weight(a);
      if (a.has("min")) spec.qoe.accuracy_min = parse_percent(a["min"], 1.0);
    }
    if (q.has("latency")) {
      core::YamlNode l = q["latency"].expect_map("weight and/or max");
      l.reject_unknown_keys({"weight", "max"});
      spec.qoe.latency_weight = parse_weight(l);
      if (l.has("max")) spec.qoe.latency_max_s = parse_unit(l["max"], core::Dimension::kTime);
      if (spec.qoe.latency_max_s && !(*spec.qoe.latency_max_s > 0))
        l["max"].fail("must be above 0");
      if (spec.qoe.latency_weight > 0 && !spec.qoe.latency_max_s)
        l["weight"].fail("a latency weight needs max (the latency the weight is relative to)");
    }
    if (q.has("energy")) {
      core::YamlNode e = q["energy"].expect_map("weight and/or max");
      e.reject_unknown_keys({"weight", "max"});
      spec.qoe.energy_weight = parse_weight(e);
      if (e.has("max"))
        spec.qoe.energy_max_j = parse_unit(e["max"], core::Dimension::kEnergy) * 1e-12;
      if (spec.qoe.energy_max_j && !(*spec.qoe.energy_max_j > 0)) e["max"].fail("must be above 0");
      if (spec.qoe.energy_weight > 0 && !spec.qoe.energy_max_j)
        e["weight"].fail("an energy weight needs max (the energy the weight is relative to)");
    }
    if (spec.qoe.accuracy_weight + spec.qoe.latency_weight + spec.qoe.energy_weight <= 0)
      q.fail("every QoE weight is 0 (or missing): the QoE would rank no model above another");
  } catch (const core::ConfigError& e) {
    for (const auto& issue : e.issues()) issues.push_back(issue);
  }

  if (root.has("noise")) {
    core::YamlNode n = root["noise"].expect_map("sd and/or user_sd");
    n.reject_unknown_keys({"sd", "user_sd"});
    if (n.has("sd")) spec.noise.sd = n["sd"].as_double(0, 1e3);
    if (n.has("user_sd")) spec.noise.user_sd = n["user_sd"].as_double(0, 1e3);
  }
  if (root.has("bandit")) {
    core::YamlNode b = root["bandit"].expect_map("bandit settings");
    b.reject_unknown_keys({"rounds", "alpha", "lambda", "thompson_v", "epsilon", "seed"});
    auto& s = spec.bandit;
    if (b.has("rounds")) s.rounds = b["rounds"].as_int(1, 10'000'000);
    if (b.has("alpha")) s.alpha = b["alpha"].as_double(0, 1e3);
    if (b.has("lambda")) s.lambda = b["lambda"].as_double(1e-9, 1e9);
    if (b.has("thompson_v")) s.thompson_v = b["thompson_v"].as_double(0, 1e3);
    if (b.has("epsilon")) s.epsilon = b["epsilon"].as_double(0, 1);
    if (b.has("seed")) s.seed = static_cast<uint64_t>(b["seed"].as_int(0));
  }
  if (root.has("fusion")) {
    core::YamlNode f = root["fusion"].expect_map("stacks and/or tiles");
    f.reject_unknown_keys({"stacks", "tiles"});
    if (f.has("stacks")) {
      spec.plan.rule = fusion::stack_rule_names().read(f["stacks"]);
      if (spec.plan.rule != fusion::StackRule::kLayerByLayer &&
          spec.plan.rule != fusion::StackRule::kBlocks)
        f["stacks"].fail("a fleet fuses layer-by-layer or blocks");
    }
    if (f.has("tiles")) spec.plan.tiles = static_cast<int>(f["tiles"].as_int(1, 1 << 16));
  }
  if (!issues.empty()) throw core::ConfigError(std::move(issues));
  return spec;
}

}  // namespace monet::fleet
