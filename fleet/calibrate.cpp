#include "fleet/calibrate.hpp"

#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <system_error>
#include <thread>

#include "accelerators/loader.hpp"
#include "core/file_io.hpp"
#include "core/json_text.hpp"
#include "core/output_set.hpp"
#include "core/thread_pool.hpp"
#include "core/yaml.hpp"
#include "fusion/experiment.hpp"
#include "fusion/simulation.hpp"

namespace monet::fleet {

namespace fs = std::filesystem;

const core::NameTable<Quantity>& quantity_names() {
  static const core::NameTable<Quantity> table("measured quantity",
                                               {{Quantity::kLatency, "latency"},
                                                {Quantity::kEnergy, "energy"},
                                                {Quantity::kPower, "power"}});
  return table;
}

std::string quantity_name(Quantity q) {
  return quantity_names().str(q);
}

std::string quantity_unit(Quantity q) {
  switch (q) {
    case Quantity::kLatency:
      return "s";
    case Quantity::kEnergy:
      return "J";
    case Quantity::kPower:
      return "W";
  }
  return "?";
}

namespace {
std::string resolve(const std::string& path, const std::string& from_file) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  fs::path rel = fs::path(from_file).parent_path() / path;
  if (std::error_code ec; fs::exists(rel, ec)) return rel.string();
  return path;
}

// An accelerator named in a file (path or preset) as a canonical file path, or "".
std::string accelerator_file(const std::string& name_or_path) {
  std::error_code ec;
  if (fs::is_regular_file(name_or_path, ec)) return fs::weakly_canonical(name_or_path).string();
  std::string p = accelerators::preset_path(name_or_path);
  return p.empty() ? "" : fs::weakly_canonical(p).string();
}

// Average power in watts ("7 W", "850 mW"), in core's power units.
double parse_power(const core::YamlNode& n) {
  double v = 0;
  try {
    v = core::parse_quantity(n.as_string(), core::Dimension::kPower);
  } catch (const core::ConfigError&) {
    throw;
  } catch (const core::Error& e) {
    n.fail(e.what());
  }
  if (!(v > 0)) n.fail("a measured power must be positive");
  return v;
}

// Every (file, field) a parameter sets: its accelerator and the files sharing it.
std::vector<std::pair<std::string, AcceleratorField>> files_of(const Parameter& p) {
  std::vector<std::pair<std::string, AcceleratorField>> out{{p.accelerator, p.field}};
  out.insert(out.end(), p.shared.begin(), p.shared.end());
  return out;
}

int independent_count(const Measurement& m) {
  // Average power is energy over latency: with both, it adds no independent information.
  return std::min(static_cast<int>(m.values.size()), 2);
}

// Experiments bound to their (calibrated) accelerator files: predictions at parameter values.
class Model {
 public:
  Model(const CalibrationSpec& spec, size_t threads) : spec_(spec), pool_(threads) {
    for (const auto& p : spec.parameters)
      for (const auto& [file, field] : files_of(p)) texts_.emplace(file, "");
    for (auto& [file, text] : texts_) text = core::read_file(file);
    for (const auto& m : spec.measurements) {
      fusion::Experiment e = fusion::load_experiment(m.experiment);
      if (e.few_shot || e.generate)
        throw core::ConfigError(m.where, "experiment", m.experiment,
                                "calibrate simulates inference and training-step experiments; "
                                "few-shot episodes and generation are not supported yet");
      fusion::Prepared p = fusion::prepare(e);
      auto item = std::make_unique<Item>();
      item->file = accelerator_file(e.accelerator);
      item->graph = p.sim->graph();
      item->acc = p.sim->shared_acc();
      item->experiment = std::move(e);
      items_.push_back(std::move(item));
    }
  }

  bool calibrated(size_t i) const { return texts_.count(items_[i]->file) > 0; }

  // Predicted latency (s), energy (J) and power (W) of the measurements in `which`.
  std::vector<std::array<double, 3>> predict(const std::vector<double>& x,
                                             const std::vector<size_t>& which) {
    std::map<std::string, std::shared_ptr<const accelerators::Accelerator>> accs;
    for (const auto& [file, text] : texts_) {
      std::vector<std::pair<AcceleratorField, double>> edits;
      for (size_t k = 0; k < spec_.parameters.size(); ++k)
        for (const auto& [f, field] : files_of(spec_.parameters[k]))
          if (f == file) edits.emplace_back(field, x[k]);
      accs[file] = std::make_shared<const accelerators::Accelerator>(
          accelerators::parse_accelerator_yaml(with_field_values(text, edits), file));
    }
    std::vector<std::array<double, 3>> out(which.size());
    pool_.parallel_for(which.size(), [&](size_t w) {
      const Item& it = *items_[which[w]];
      auto found = accs.find(it.file);
      auto acc = found != accs.end() ? found->second : it.acc;
      fusion::Simulation sim(workloads::Graph(it.graph), acc,
                             std::make_shared<const mapping::CostModel>(*acc, it.experiment.cost));
      fusion::FusionPlan plan = fusion::experiment_plan(it.experiment, sim);
      fusion::Schedule s = sim.evaluate(plan);
      double lat = s.summary.latency_s;
      // What a board's meter sees: energy at the supply (dynamic + static through the
      // regulators + board baseline, fusion/power.hpp; dynamic only when none is stated).
      double e_j = s.summary.power.supply_energy_j;
      out[w] = {lat, e_j, lat > 0 ? e_j / lat : 0};
    });
    return out;
  }

 private:
  struct Item {
    fusion::Experiment experiment;
    std::string file;
    workloads::Graph graph;
    std::shared_ptr<const accelerators::Accelerator> acc;
  };
  const CalibrationSpec& spec_;
  core::ThreadPool pool_;
  std::map<std::string, std::string> texts_;
  std::vector<std::unique_ptr<Item>> items_;
};

double pick(const std::array<double, 3>& p, Quantity q) {
  return p[static_cast<size_t>(q)];
}

// Rank of the Jacobian without rows [skip_begin, skip_end), its columns scaled to unit norm
// over all rows (parameters in different units): how many parameters the other rows determine.
int rank_without(const Eigen::MatrixXd& J, Eigen::Index skip_begin, Eigen::Index skip_end) {
  Eigen::MatrixXd rest(J.rows() - (skip_end - skip_begin), J.cols());
  for (Eigen::Index r = 0, k = 0; r < J.rows(); ++r)
    if (r < skip_begin || r >= skip_end) rest.row(k++) = J.row(r);
  for (Eigen::Index c = 0; c < J.cols(); ++c) {
    double norm = J.col(c).norm();
    rest.col(c) =
        norm > 0 ? Eigen::VectorXd(rest.col(c) / norm) : Eigen::VectorXd::Zero(rest.rows());
  }
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(rest);
  qr.setThreshold(1e-6);
  return static_cast<int>(qr.rank());
}

FitResult fit_subset(const CalibrationSpec& spec, Model& model, const std::vector<size_t>& which,
                     const std::vector<double>& x0) {
  FitProblem prob;
  for (const auto& p : spec.parameters) prob.bounds.push_back({p.lo, p.hi, p.lo > 0});
  prob.loss = spec.loss;
  prob.loss_scale = spec.loss_scale;
  prob.residuals = [&](const Eigen::VectorXd& x) {
    std::vector<double> xs(x.data(), x.data() + x.size());
    auto pred = model.predict(xs, which);
    std::vector<double> r;
    for (size_t w = 0; w < which.size(); ++w)
      for (const auto& v : spec.measurements[which[w]].values) {
        double p = pick(pred[w], v.quantity);
        if (!(p > 0))
          throw core::ConfigError(spec.measurements[which[w]].where, quantity_name(v.quantity), "",
                                  "the simulator predicts no " + quantity_name(v.quantity) +
                                      " for this experiment, so it cannot be fitted");
        r.push_back(std::log(p / v.value));
      }
    return Eigen::VectorXd(
        Eigen::Map<Eigen::VectorXd>(r.data(), static_cast<Eigen::Index>(r.size())));
  };
  Eigen::VectorXd x(static_cast<Eigen::Index>(x0.size()));
  for (size_t k = 0; k < x0.size(); ++k) x[static_cast<Eigen::Index>(k)] = x0[k];
  return robust_fit(prob, x);
}
}  // namespace

CalibrationSpec load_calibration(const std::string& path) {
  return parse_calibration(core::load_yaml_file(path));
}

CalibrationSpec parse_calibration(const core::YamlNode& root) {
  const std::string& path = root.file();
  root.expect_map("a calibration file (parameters, measurements)");
  root.reject_unknown_keys({"parameters", "measurements", "loss", "loss_scale"});
  CalibrationSpec spec;
  spec.file = path;
  if (root.has("loss")) spec.loss = robust_loss_names().read(root["loss"]);
  if (root.has("loss_scale")) spec.loss_scale = root["loss_scale"].as_double(1e-6, 10);
  std::vector<core::ConfigIssue> issues;
  auto params = root.required("parameters").expect_seq("a list of parameters");
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < params.size(); ++i) {
    core::YamlNode n = params.at(i);
    n.expect_map("a parameter (accelerator, field, min, max)");
    n.reject_unknown_keys({"accelerator", "field", "min", "max"});
    Parameter p;
    p.where = n.loc();
    // One file, or a list of files whose field takes one shared value.
    core::YamlNode acc = n.required("accelerator");
    std::vector<core::YamlNode> acc_nodes;
    if (acc.is_seq()) {
      for (size_t a = 0; a < acc.size(); ++a) acc_nodes.push_back(acc.at(a));
      if (acc_nodes.empty()) {
        issues.push_back(acc.issue("lists no accelerator"));
        continue;
      }
    } else {
      acc_nodes.push_back(acc);
    }
    core::YamlNode field = n.required("field");
    std::vector<std::pair<std::string, AcceleratorField>> files;
    bool found = true;
    for (const auto& a : acc_nodes) {
      std::string file = accelerator_file(resolve(a.as_string(), path));
      if (file.empty()) {
        issues.push_back(a.issue("neither an accelerator file nor a preset"));
        found = false;
        continue;
      }
      try {
        files.emplace_back(file, find_accelerator_field(core::read_file(file), field.as_string()));
      } catch (const core::ConfigError&) {
        throw;
      } catch (const core::Error& e) {
        issues.push_back(field.issue(std::string(e.what()) + " (in " + file + ")"));
        found = false;
        continue;
      }
      const AcceleratorField& f0 = files.front().second;
      const AcceleratorField& f = files.back().second;
      if (f.unit != f0.unit || f.number != f0.number) {
        issues.push_back(a.issue("a shared parameter starts from one value: '" + f.path + "' is " +
                                 field_text(f, f.number) + " here but " +
                                 field_text(f0, f0.number) + " in " + files.front().first));
        found = false;
        continue;
      }
      if (!seen.insert({file, f.path}).second) {
        issues.push_back(a.issue("names a field another parameter already fits (in " + file + ")"));
        found = false;
      }
    }
    if (!found) continue;
    p.accelerator = files.front().first;
    p.field = files.front().second;
    p.shared.assign(files.begin() + 1, files.end());
    bool ok = true;
    for (const char* key : {"min", "max"}) {
      core::YamlNode b = n.required(key);
      try {
        (key[1] == 'i' ? p.lo : p.hi) = value_in_field_unit(p.field, b.as_string());
      } catch (const core::ConfigError&) {
        throw;
      } catch (const core::Error& e) {
        issues.push_back(b.issue(e.what()));
        ok = false;
      }
    }
    if (!ok) continue;
    if (!(p.lo < p.hi)) {
      issues.push_back(n["max"].issue("must be above min"));
      continue;
    }
    if (p.field.number < p.lo || p.field.number > p.hi) {
      issues.push_back(n["min"].issue(
          "bounds [" + field_text(p.field, p.lo) + ", " + field_text(p.field, p.hi) +
          "] exclude the current value " + field_text(p.field, p.field.number) + " of '" +
          p.field.path + "' (" + p.accelerator + ":" + std::to_string(p.field.line) + ")"));
      continue;
    }
    spec.parameters.push_back(p);
  }
  auto meas = root.required("measurements").expect_seq("a list of measurements");
  std::set<std::string> names;
  for (size_t i = 0; i < meas.size(); ++i) {
    core::YamlNode n = meas.at(i);
    n.expect_map("a measurement (experiment and latency, energy and/or power)");
    n.reject_unknown_keys({"name", "experiment", "latency", "energy", "power"});
    Measurement m;
    m.where = n.loc();
    core::YamlNode ex = n.required("experiment");
    m.experiment = resolve(ex.as_string(), path);
    if (std::error_code ec; !fs::is_regular_file(m.experiment, ec)) {
      issues.push_back(ex.issue("is not an experiment file"));
      continue;
    }
    m.name = n.has("name") ? n["name"].as_string() : fs::path(m.experiment).stem().string();
    if (!names.insert(m.name).second) {
      issues.push_back(
          (n.has("name") ? n["name"] : ex)
              .issue("two measurements are named '" + m.name + "' (give each a distinct name:)"));
      continue;
    }
    try {
      if (n.has("latency")) {
        double v = n["latency"].as_quantity(core::Dimension::kTime);
        if (!(v > 0)) n["latency"].fail("a measured latency must be positive");
        m.values.push_back({Quantity::kLatency, v});
      }
      if (n.has("energy")) {
        double v = n["energy"].as_quantity(core::Dimension::kEnergy);
        if (!(v > 0)) n["energy"].fail("a measured energy must be positive");
        m.values.push_back({Quantity::kEnergy, v * 1e-12});
      }
      if (n.has("power")) m.values.push_back({Quantity::kPower, parse_power(n["power"])});
    } catch (const core::ConfigError& e) {
      for (const auto& is : e.issues()) issues.push_back(is);
      continue;
    }
    if (m.values.empty()) {
      issues.push_back(n.issue("a measurement states no quantity (latency, energy or power)"));
      continue;
    }
    spec.measurements.push_back(m);
  }
  if (!issues.empty()) throw core::ConfigError(issues);
  if (spec.parameters.empty()) root["parameters"].fail("lists no parameter to fit");
  int independent = 0;
  std::set<std::string> calibrated;
  for (const auto& p : spec.parameters)
    for (const auto& [file, field] : files_of(p)) calibrated.insert(file);
  for (const auto& m : spec.measurements) {
    std::string acc = accelerator_file(fusion::load_experiment(m.experiment).accelerator);
    if (calibrated.count(acc)) independent += independent_count(m);
  }
  if (static_cast<int>(spec.parameters.size()) > independent)
    root["parameters"].fail(
        std::to_string(spec.parameters.size()) + " parameters but only " +
        std::to_string(independent) +
        " independent measured quantities on the calibrated accelerators (latency and energy "
        "count one each per measurement; power adds nothing when both are given): measure more "
        "or fit fewer parameters");
  return spec;
}

CalibrationResult calibrate(const CalibrationSpec& spec, size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  Model model(spec, threads);
  CalibrationResult out;
  const size_t n = spec.parameters.size();
  for (const auto& p : spec.parameters) out.initial.push_back(p.field.number);
  std::vector<size_t> all(spec.measurements.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (size_t i = 0; i < all.size(); ++i)
    if (model.calibrated(i))
      out.independent += independent_count(spec.measurements[i]);
    else
      out.warnings.push_back("measurement '" + spec.measurements[i].name +
                             "' runs on an accelerator no parameter belongs to: it is predicted, "
                             "not fitted");
  auto before = model.predict(out.initial, all);
  out.fit = fit_subset(spec, model, all, out.initial);
  out.fitted.assign(out.fit.x.data(), out.fit.x.data() + out.fit.x.size());
  auto after = model.predict(out.fitted, all);
  Eigen::VectorXd sd = fit_uncertainty(out.fit);
  for (size_t k = 0; k < n; ++k) {
    out.at_bound.push_back(out.fit.at_bound[k]);
    std::optional<double> s;
    if (sd.size() == static_cast<Eigen::Index>(n) && !out.fit.at_bound[k]) {
      double v = sd[static_cast<Eigen::Index>(k)];
      s = spec.parameters[k].lo > 0 ? out.fitted[k] * v : v;
    }
    out.sd.push_back(s);
    if (out.fit.at_bound[k])
      out.warnings.push_back("parameter '" + spec.parameters[k].field.path +
                             "' ends on a bound: the measurements push it further; widen the "
                             "bounds or doubt the model there");
    if (out.fit.jacobian.col(static_cast<Eigen::Index>(k)).lpNorm<Eigen::Infinity>() < 1e-9)
      out.warnings.push_back("no measurement depends on parameter '" +
                             spec.parameters[k].field.path + "': its value is not determined");
  }
  out.measurements.resize(all.size());
  for (size_t i = 0; i < all.size(); ++i)
    for (const auto& v : spec.measurements[i].values)
      out.measurements[i].push_back(
          {v.quantity, v.value, pick(before[i], v.quantity), pick(after[i], v.quantity), {}});
  out.loo_notes.resize(all.size());
  std::vector<Eigen::Index> row_of{0};  // the residual rows of each measurement
  for (const auto& m : spec.measurements)
    row_of.push_back(row_of.back() + static_cast<Eigen::Index>(m.values.size()));
  for (size_t i = 0; i < all.size(); ++i) {
    if (!model.calibrated(i)) {
      out.loo_notes[i] = "not fitted: its accelerator has no parameter";
      continue;
    }
    std::vector<size_t> rest;
    for (size_t j : all)
      if (j != i) rest.push_back(j);
    int indep = out.independent - independent_count(spec.measurements[i]);
    if (static_cast<int>(n) > indep) {
      out.loo_notes[i] = "the other measurements hold " + std::to_string(indep) +
                         " independent quantities, fewer than the " + std::to_string(n) +
                         " parameters";
      continue;
    }
    // Enough quantities in all is not enough: a parameter only this measurement moves (its
    // accelerator's only measurement) would keep the full fit's value, and the point would be
    // "predicted" from its own figure.
    if (int rank = rank_without(out.fit.jacobian, row_of[i], row_of[i + 1]);
        rank < static_cast<int>(n)) {
      out.loo_notes[i] = "the other measurements do not determine every parameter (rank " +
                         std::to_string(rank) + " of " + std::to_string(n) +
                         "): a parameter depends on this measurement alone";
      continue;
    }
    FitResult loo = fit_subset(spec, model, rest, out.fitted);
    std::vector<double> x(loo.x.data(), loo.x.data() + loo.x.size());
    auto pred = model.predict(x, {i});
    for (auto& q : out.measurements[i]) q.leave_one_out = pick(pred[0], q.quantity);
  }
  return out;
}

nlohmann::json calibration_json(const CalibrationSpec& spec, const CalibrationResult& r) {
  using nlohmann::json;
  json j;
  j["schema"] = "monet.calibration/1";
  j["measurements_file"] = spec.file;
  j["loss"] = {{"kind", loss_name(spec.loss)}, {"scale_log_ratio", spec.loss_scale}};
  j["fit"] = {{"iterations", r.fit.iterations},
              {"evaluations", r.fit.evaluations},
              {"converged", r.fit.converged},
              {"cost", r.fit.cost},
              {"independent_quantities", r.independent},
              {"residuals", r.fit.residuals.size()}};
  j["parameters"] = json::array();
  for (size_t k = 0; k < spec.parameters.size(); ++k) {
    const auto& p = spec.parameters[k];
    json files = json::array();
    for (const auto& [file, field] : files_of(p)) files.push_back(file);
    json pj{{"accelerator", p.accelerator},
            {"accelerators", files},
            {"field", p.field.path},
            {"line", p.field.line},
            {"unit", p.field.unit},
            {"min", p.lo},
            {"max", p.hi},
            {"initial", r.initial[k]},
            {"fitted", r.fitted[k]},
            {"at_bound", static_cast<bool>(r.at_bound[k])}};
    pj["uncertainty"] = r.sd[k] ? json(*r.sd[k]) : json(nullptr);
    pj["relative_uncertainty"] =
        r.sd[k] && r.fitted[k] != 0 ? json(*r.sd[k] / std::abs(r.fitted[k])) : json(nullptr);
    j["parameters"].push_back(pj);
  }
  j["measurements"] = json::array();
  for (size_t i = 0; i < spec.measurements.size(); ++i) {
    const auto& m = spec.measurements[i];
    json mj{{"name", m.name}, {"experiment", m.experiment}};
    mj["quantities"] = json::array();
    for (const auto& q : r.measurements[i]) {
      json qj{{"quantity", quantity_name(q.quantity)},
              {"unit", quantity_unit(q.quantity)},
              {"measured", q.measured},
              {"before", q.before},
              {"after", q.after},
              {"error_before", q.before / q.measured - 1},
              {"error_after", q.after / q.measured - 1}};
      qj["leave_one_out"] = q.leave_one_out ? json(*q.leave_one_out) : json(nullptr);
      qj["error_leave_one_out"] =
          q.leave_one_out ? json(*q.leave_one_out / q.measured - 1) : json(nullptr);
      mj["quantities"].push_back(qj);
    }
    mj["leave_one_out_note"] = r.loo_notes[i].empty() ? json(nullptr) : json(r.loo_notes[i]);
    j["measurements"].push_back(mj);
  }
  j["warnings"] = r.warnings;
  return j;
}

std::vector<std::pair<std::string, std::string>> calibrated_accelerators(
    const CalibrationSpec& spec, const CalibrationResult& r) {
  std::vector<std::string> files;
  for (const auto& p : spec.parameters)
    for (const auto& [file, field] : files_of(p))
      if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> used;
  for (const auto& file : files) {
    std::string stem = fs::path(file).stem().string(), name = stem + ".yaml";
    for (int k = 2; used.count(name); ++k) name = stem + "-" + std::to_string(k) + ".yaml";
    used.insert(name);
    std::vector<std::pair<AcceleratorField, double>> edits;
    std::string header = "# Calibrated by `monet-sim calibrate " + spec.file + "` (" +
                         std::to_string(spec.measurements.size()) +
                         " measurements; fit, uncertainties and errors in calibration.json).\n"
                         "# Fitted to measurements, not taken from a source:\n";
    for (size_t k = 0; k < spec.parameters.size(); ++k)
      for (const auto& [f, field] : files_of(spec.parameters[k])) {
        if (f != file) continue;
        edits.emplace_back(field, r.fitted[k]);
        header += "#   " + field.path + ": " + field_text(field, r.initial[k]) + " -> " +
                  field_text(field, r.fitted[k]) + "\n";
      }
    header += "# Every other value and the sources below are those of " + file + ".\n";
    out.emplace_back(name, header + with_field_values(core::read_file(file), edits));
  }
  return out;
}

void write_calibration(const std::string& dir, const CalibrationSpec& spec,
                       const CalibrationResult& r) {
  core::OutputSet set(dir, "calibrate");
  set.write("calibration.json",
            core::json_text(calibration_json(spec, r), 2, "calibration") + "\n");
  for (const auto& [name, text] : calibrated_accelerators(spec, r)) set.write(name, text);
  set.commit();
}

}  // namespace monet::fleet
