// select.json, rounds.csv and regret.svg (fleet/README.md documents every field).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/csv.hpp"
#include "core/json_text.hpp"
#include "core/output_set.hpp"
#include "fleet/select.hpp"

namespace monet::fleet {

using nlohmann::json;

namespace {
json optional_number(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}
}  // namespace

json select_json(const FleetSpec& spec, const SelectResult& r) {
  const size_t nm = spec.models.size();
  json j;
  j["schema"] = "monet.select/1";
  j["fleet_file"] = spec.file;
  j["seed"] = spec.bandit.seed;
  j["rounds"] = spec.bandit.rounds;
  j["bandit"] = {{"alpha", spec.bandit.alpha},
                 {"lambda", spec.bandit.lambda},
                 {"thompson_v", spec.bandit.thompson_v},
                 {"epsilon", spec.bandit.epsilon}};
  j["noise"] = {{"sd", spec.noise.sd}, {"user_sd", spec.noise.user_sd}};
  j["qoe"] = {{"accuracy_weight", spec.qoe.accuracy_weight},
              {"latency_weight", spec.qoe.latency_weight},
              {"energy_weight", spec.qoe.energy_weight},
              {"accuracy_min", optional_number(spec.qoe.accuracy_min)},
              {"latency_max_s", optional_number(spec.qoe.latency_max_s)},
              {"energy_max_j", optional_number(spec.qoe.energy_max_j)}};
  j["features"] = r.feature_names;
  json models = json::array();
  for (size_t m = 0; m < nm; ++m) {
    const auto& fm = spec.models[m];
    const auto& v = r.sim.models[m];
    json e{{"name", fm.name},
           {"workload", fm.workload.model.empty() ? fm.workload.file : fm.workload.model},
           {"accuracy", fm.accuracy},
           {"element_bits", fm.bits ? json(fm.bits) : json(nullptr)},
           {"pruning", fm.pruning},
           {"macs", v.macs},
           {"weight_bytes", v.weight_bytes}};
    if (fm.pruning > 0)
      e["pruned"] = {
          {"macs_before", v.prune.macs_before},       {"macs_after", v.prune.macs_after},
          {"weights_before", v.prune.weights_before}, {"weights_after", v.prune.weights_after},
          {"pruned_ops", v.prune.pruned_ops},         {"kept_ops", v.prune.kept_ops}};
    models.push_back(e);
  }
  j["models"] = models;
  json devices = json::array();
  for (size_t d = 0; d < spec.devices.size(); ++d) {
    const auto& fd = spec.devices[d];
    devices.push_back(
        {{"name", fd.name},
         {"accelerator", fd.accelerator},
         {"users", fd.users},
         {"oracle_model", r.oracle[d] ? json(spec.models[*r.oracle[d]].name) : json(nullptr)}});
  }
  j["devices"] = devices;
  json pairs = json::array();
  for (const auto& p : r.sim.pairs)
    pairs.push_back({{"model", spec.models[p.model].name},
                     {"device", spec.devices[p.device].name},
                     {"simulated", p.simulated},
                     {"latency_s", p.simulated ? json(p.latency_s) : json(nullptr)},
                     {"energy_j", p.simulated ? json(p.energy_j) : json(nullptr)},
                     {"fallback_ops", p.fallback_ops},
                     {"feasible", p.feasible},
                     {"violations", p.violations},
                     {"qoe", p.simulated ? json(p.qoe) : json(nullptr)}});
  j["pairs"] = pairs;
  j["one_model"] = r.one_model ? json(spec.models[*r.one_model].name) : json(nullptr);
  json policies = json::array();
  for (const auto& p : r.policies) {
    json counts = json::object();
    for (size_t d = 0; d < spec.devices.size(); ++d) {
      json per = json::object();
      for (size_t t = 0; t < p.choice.size(); ++t)
        if (r.round_device[t] == d) {
          const std::string& n = spec.models[p.choice[t]].name;
          per[n] = per.value(n, 0) + 1;
        }
      counts[spec.devices[d].name] = per;
    }
    double mean_fb = 0;
    for (double f : p.feedback) mean_fb += f;
    if (!p.feedback.empty()) mean_fb /= static_cast<double>(p.feedback.size());
    policies.push_back({{"name", p.name},
                        {"cumulative_regret", p.cumulative.empty() ? 0.0 : p.cumulative.back()},
                        {"mean_feedback", mean_fb},
                        {"growth_exponent", p.growth_exponent},
                        {"oracle_agreement_last_10pct", p.oracle_agreement_last},
                        {"choices", counts}});
  }
  j["policies"] = policies;
  j["warnings"] = r.warnings;
  return j;
}

std::string rounds_csv(const FleetSpec& spec, const SelectResult& r) {
  std::ostringstream out;
  out << "round,device,user,oracle_model";
  for (const auto& p : r.policies) {
    if (p.name == "oracle") continue;
    out << "," << p.name << "_model," << p.name << "_feedback," << p.name << "_regret," << p.name
        << "_cumulative_regret";
  }
  out << "\n";
  char buf[64];
  auto num = [&](double v) {
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return std::string(buf);
  };
  for (size_t t = 0; t < r.round_device.size(); ++t) {
    size_t d = r.round_device[t];
    out << t + 1 << "," << core::csv_field(spec.devices[d].name) << "," << r.round_user[t] << ","
        << core::csv_field(spec.models[*r.oracle[d]].name);
    for (const auto& p : r.policies) {
      if (p.name == "oracle") continue;
      out << "," << core::csv_field(spec.models[p.choice[t]].name) << "," << num(p.feedback[t])
          << "," << num(p.regret[t]) << "," << num(p.cumulative[t]);
    }
    out << "\n";
  }
  return out.str();
}

std::string regret_svg(const SelectResult& r) {
  // Cumulative regret per policy against the round: one polyline each, at most ~500 points.
  const double w = 720, h = 420, left = 70, right = 170, top = 30, bottom = 50;
  const double pw = w - left - right, ph = h - top - bottom;
  size_t rounds = r.round_device.size();
  double ymax = 0;
  for (const auto& p : r.policies)
    if (!p.cumulative.empty()) ymax = std::max(ymax, p.cumulative.back());
  if (!(ymax > 0)) ymax = 1;
  static const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#7f7f7f"};
  std::ostringstream s;
  char buf[128];
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << left << "\" y=\"18\">cumulative regret (QoE units) per round</text>\n";
  s << "<line x1=\"" << left << "\" y1=\"" << top + ph << "\" x2=\"" << left + pw << "\" y2=\""
    << top + ph << "\" stroke=\"black\"/>\n<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\""
    << left << "\" y2=\"" << top + ph << "\" stroke=\"black\"/>\n";
  for (int k = 0; k <= 4; ++k) {
    double y = top + ph * (1 - k / 4.0);
    std::snprintf(buf, sizeof buf, "%.3g", ymax * k / 4.0);
    s << "<text x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << buf
      << "</text>\n";
    double x = left + pw * k / 4.0;
    s << "<text x=\"" << x << "\" y=\"" << top + ph + 18 << "\" text-anchor=\"middle\">"
      << static_cast<long long>(std::llround(static_cast<double>(rounds) * k / 4.0)) << "</text>\n";
  }
  s << "<text x=\"" << left + pw / 2 << "\" y=\"" << h - 10
    << "\" text-anchor=\"middle\">round</text>\n";
  size_t step = std::max<size_t>(1, rounds / 500);
  for (size_t i = 0; i < r.policies.size(); ++i) {
    const auto& p = r.policies[i];
    const char* colour = kColours[i % 5];
    s << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.5\" points=\"";
    for (size_t t = 0; t < rounds; t += step) {
      std::snprintf(buf, sizeof buf, "%.1f,%.1f ",
                    left + pw * static_cast<double>(t + 1) / static_cast<double>(rounds),
                    top + ph * (1 - p.cumulative[t] / ymax));
      s << buf;
    }
    s << "\"/>\n";
    double ly = top + 16 + 18 * static_cast<double>(i);
    s << "<line x1=\"" << left + pw + 12 << "\" y1=\"" << ly - 4 << "\" x2=\"" << left + pw + 32
      << "\" y2=\"" << ly - 4 << "\" stroke=\"" << colour << "\" stroke-width=\"2\"/>\n"
      << "<text x=\"" << left + pw + 38 << "\" y=\"" << ly << "\">" << p.name << "</text>\n";
  }
  s << "</svg>\n";
  return s.str();
}

void write_selection(const std::string& dir, const FleetSpec& spec, const SelectResult& r) {
  core::OutputSet set(dir, "select");
  set.write("select.json", core::json_text(select_json(spec, r), 2, "select") + "\n");
  set.write("rounds.csv", rounds_csv(spec, r));
  set.write("regret.svg", regret_svg(r));
  set.commit();
}

}  // namespace monet::fleet
