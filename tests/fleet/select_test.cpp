// monet-sim select: pruning as a MAC/weight reduction, the QoE and thresholds, the rounds on
// pairs whose latency and energy the test states, and the command on the shipped fleet.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/file_io.hpp"
#include "fleet/select.hpp"
#include "tests/cli/run_cli.hpp"
#include "workloads/models.hpp"
#include "workloads/prune.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;
using namespace monet;

namespace {
const workloads::Op& op_named(const workloads::Graph& g, const std::string& name) {
  int id = g.find_op(name);
  REQUIRE(id >= 0);
  return g.op(id);
}

// A fleet of `devices` devices and the models (accuracy, latency s, energy J per device)
// without simulation: QoE = accuracy - 0.5 latency / 1 s - 0.2 energy / 1 J.
fleet::FleetSpec spec_of(size_t devices, const std::vector<double>& accuracy) {
  fleet::FleetSpec s;
  s.file = "test";
  for (size_t m = 0; m < accuracy.size(); ++m) {
    fleet::FleetModel fm;
    fm.name = "m" + std::to_string(m);
    fm.workload.model = "resnet18";
    fm.accuracy = accuracy[m];
    s.models.push_back(fm);
  }
  for (size_t d = 0; d < devices; ++d) {
    fleet::FleetDevice fd;
    fd.name = "d" + std::to_string(d);
    fd.users = 10;
    s.devices.push_back(fd);
  }
  s.qoe.accuracy_weight = 1;
  s.qoe.latency_weight = 0.5;
  s.qoe.latency_max_s = 1.0;
  s.qoe.energy_weight = 0.2;
  s.qoe.energy_max_j = 1.0;
  return s;
}

fleet::Simulated pairs_of(const fleet::FleetSpec& s, const std::vector<std::vector<double>>& lat,
                          const std::vector<std::vector<double>>& energy) {
  fleet::Simulated sim;
  sim.models.resize(s.models.size());
  for (size_t m = 0; m < s.models.size(); ++m) sim.models[m].macs = 1'000'000 * (m + 1);
  for (size_t d = 0; d < s.devices.size(); ++d)
    for (size_t m = 0; m < s.models.size(); ++m) {
      fleet::PairResult p;
      p.model = m;
      p.device = d;
      p.simulated = true;
      p.latency_s = lat[d][m];
      p.energy_j = energy[d][m];
      sim.pairs.push_back(p);
    }
  return sim;
}

const fleet::PolicyResult& policy(const fleet::SelectResult& r, const std::string& name) {
  for (const auto& p : r.policies)
    if (p.name == name) return p;
  FAIL("no policy " << name);
  throw;
}
}  // namespace

TEST_CASE("pruning removes input channels of weighted ops: MACs and weights by hand",
          "[fleet][select]") {
  workloads::Graph g = workloads::build_model("resnet18");
  auto rep = workloads::prune_input_channels(g, 0.5);
  // conv1: 64 x 3 x 7 x 7 over 112 x 112 = 118,013,952 MACs; round(3 x 0.5) = 2 channels kept.
  const auto& conv1 = op_named(g, "conv1");
  CHECK(conv1.macs() == 118'013'952LL * 2 / 3);
  CHECK(g.tensor(conv1.operand_tensor[1]).shape == workloads::Shape{64, 2, 7, 7});
  // fc: 512 -> 1000 keeps 256 inputs: 256,000 MACs and a [1000, 256] weight.
  const auto& fc = op_named(g, "fc");
  CHECK(fc.macs() == 256'000);
  CHECK(g.tensor(fc.operand_tensor[1]).shape == workloads::Shape{1000, 256});
  // Every other conv has an even channel count: the whole network is 1,814,073,344 MACs
  // (torchvision's count), conv1's third and half of the rest are removed.
  CHECK(rep.macs_before == 1'814'073'344LL);
  CHECK(rep.macs_after == (1'814'073'344LL - 118'013'952LL) / 2 + 118'013'952LL * 2 / 3);
  CHECK(rep.kept_ops == 0);
  // MobileViT's depthwise convs (one channel per group) and attention matmuls stay whole.
  workloads::Graph v = workloads::build_model("mobilevit-xxs");
  CHECK(workloads::prune_input_channels(v, 0.25).kept_ops > 0);
  CHECK_THROWS(workloads::prune_input_channels(v, 1.0));
}

TEST_CASE("QoE and thresholds of the pairs; the oracle is the best feasible model per device",
          "[fleet][select]") {
  auto s = spec_of(2, {0.70, 0.75, 0.80, 0.60});
  s.qoe.accuracy_min = 0.65;  // m3 is never feasible
  s.bandit.rounds = 200;
  // Device 0: m2 is too slow (1.2 s > 1 s). Device 1: everything fits.
  auto r = fleet::run_selection(s, pairs_of(s, {{0.1, 0.2, 1.2, 0.01}, {0.1, 0.2, 0.3, 0.01}},
                                            {{0.1, 0.1, 0.1, 0.1}, {0.1, 0.1, 0.5, 0.1}}));
  const auto& p00 = r.sim.pairs[0];
  CHECK(p00.qoe == Approx(0.70 - 0.5 * 0.1 - 0.2 * 0.1));
  CHECK(p00.feasible);
  CHECK_FALSE(r.sim.pairs[2].feasible);  // latency
  CHECK_FALSE(r.sim.pairs[3].feasible);  // accuracy
  CHECK_FALSE(r.sim.pairs[7].feasible);
  // Device 0: m0 0.63, m1 0.655 -> m1. Device 1: m1 0.655, m2 0.80 - 0.15 - 0.1 = 0.55 -> m1.
  CHECK(r.oracle[0] == 1u);
  CHECK(r.oracle[1] == 1u);
  REQUIRE(r.one_model);
  CHECK(*r.one_model == 1u);
  CHECK(policy(r, "oracle").cumulative.back() == 0);
}

TEST_CASE("zero noise and one device: the bandits find the best arm", "[fleet][select]") {
  auto s = spec_of(1, {0.69, 0.748, 0.784, 0.786, 0.698});
  s.bandit.rounds = 400;
  // With no noise, the confidence width is the ridge's bias only (sqrt(lambda) |theta|): a
  // small lambda and widths at the scale of the QoE gaps (0.05 here).
  s.bandit.lambda = 0.01;
  s.bandit.alpha = 0.1;
  s.bandit.thompson_v = 0.05;
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    s.bandit.seed = seed;
    auto r = fleet::run_selection(
        s, pairs_of(s, {{0.05, 0.11, 0.14, 0.07, 0.06}}, {{0.03, 0.07, 0.10, 0.04, 0.03}}));
    // QoE by hand: m3 = 0.786 - 0.035 - 0.008 = 0.743 is the best (m2: 0.784 - 0.07 - 0.02).
    REQUIRE(r.oracle[0] == 3u);
    for (const char* name : {"linucb", "thompson"}) {
      const auto& p = policy(r, name);
      INFO(name << ", seed " << seed);
      CHECK(p.choice.back() == 3u);
      // Thompson keeps sampling from a posterior of width v sqrt(x^T A^-1 x): a rare
      // exploration late on is its nature, not an error.
      CHECK(p.oracle_agreement_last >= (std::string(name) == "linucb" ? 1.0 : 0.9));
    }
  }
}

TEST_CASE("the rounds are reproducible for a seed and change with it", "[fleet][select]") {
  auto s = spec_of(3, {0.70, 0.75, 0.80});
  s.noise.sd = 0.05;
  s.noise.user_sd = 0.02;
  s.bandit.rounds = 300;
  std::vector<std::vector<double>> lat{{0.1, 0.2, 0.3}, {0.3, 0.5, 0.9}, {0.05, 0.1, 0.2}};
  std::vector<std::vector<double>> en{{0.1, 0.1, 0.2}, {0.2, 0.3, 0.4}, {0.1, 0.1, 0.1}};
  auto a = fleet::rounds_csv(s, fleet::run_selection(s, pairs_of(s, lat, en)));
  auto b = fleet::rounds_csv(s, fleet::run_selection(s, pairs_of(s, lat, en)));
  CHECK(a == b);
  s.bandit.seed = 2;
  CHECK(fleet::rounds_csv(s, fleet::run_selection(s, pairs_of(s, lat, en))) != a);
}

TEST_CASE("no feasible pair is an error at the fleet's qoe", "[fleet][select]") {
  auto s = spec_of(1, {0.70});
  s.qoe.accuracy_min = 0.9;
  s.qoe.where = {"fleet.yaml", 7};
  try {
    fleet::run_selection(s, pairs_of(s, {{0.1}}, {{0.1}}));
    FAIL("accepted");
  } catch (const core::ConfigError& e) {
    CHECK(std::string(e.what()).find("fleet.yaml:7") != std::string::npos);
    CHECK(std::string(e.what()).find("accuracy 70 % below min 90 %") != std::string::npos);
  }
}

TEST_CASE("monet-sim select on the shipped example fleet", "[fleet][select][cli]") {
  TempDir dir;
  std::string out = dir.path() + "/out";
  auto r = run_cli("select " +
                   shell_quote(std::string(MONET_SOURCE_DIR) + "/configs/fleets/example.yaml") +
                   " -o " + shell_quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(core::read_file(out + "/select.json"));
  CHECK(j["schema"] == "monet.select/1");
  CHECK(j["pairs"].size() == 20);
  REQUIRE(j["policies"].size() == 5);
  int64_t rounds = j["rounds"];
  for (const auto& p : j["pairs"]) {
    CHECK(p["simulated"] == true);
    CHECK(p["latency_s"].get<double>() > 0);
  }
  // The oracle has no regret; every other policy's regret is >= 0 by definition.
  for (const auto& p : j["policies"]) {
    if (p["name"] == "oracle") CHECK(p["cumulative_regret"] == 0.0);
    CHECK(p["cumulative_regret"].get<double>() >= 0);
  }
  std::istringstream csv(core::read_file(out + "/rounds.csv"));
  std::string line;
  int64_t lines = 0;
  while (std::getline(csv, line)) ++lines;
  CHECK(lines == rounds + 1);
  CHECK(core::read_file(out + "/regret.svg").find("<polyline") != std::string::npos);
}

TEST_CASE("monet-sim select refuses bad fleets naming file, line and field", "[fleet][cli]") {
  TempDir dir;
  std::string models = "models:\n  - {name: a, workload: resnet12, accuracy: 70 %}\n";
  std::string devices = "devices:\n  - {name: d, accelerator: jetson-orin-nano, users: 10}\n";
  struct Case {
    std::string text, needle;
  };
  std::vector<Case> cases{
      {"models:\n  - {name: a, workload: resnet99, accuracy: 70 %}\n" + devices +
           "qoe:\n  accuracy: {weight: 1}\n",
       "bad.yaml:2: field 'models[0].workload' = 'resnet99': unknown built-in model"},
      {models + "devices:\n  - {name: d, accelerator: no-such-board, users: 10}\n" +
           "qoe:\n  accuracy: {weight: 1}\n",
       "bad.yaml:4: field 'devices[0].accelerator' = 'no-such-board'"},
      {models + devices + "qoe:\n  accuracy: {weight: -1}\n",
       "bad.yaml:6: field 'qoe.accuracy.weight' = '-1': a QoE weight must be"},
      {models + devices + "qoe:\n  accuracy: {weight: 0}\n", "every QoE weight is 0"},
      {models + devices + "qoe:\n  latency: {weight: 1}\n", "a latency weight needs max"},
      {models + devices + "qoe:\n  accuracy: {weight: 1, min: 99 %}\n",
       "field 'qoe': no (model, device) pair meets the QoE thresholds"},
      {"models:\n  - {name: a, workload: resnet12, accuracy: 0.7}\n" + devices +
           "qoe:\n  accuracy: {weight: 1}\n",
       "bad.yaml:2: field 'models[0].accuracy' = '0.7': must be a percentage"},
  };
  for (const auto& c : cases) {
    std::string file = dir.write("bad.yaml", c.text);
    auto r = run_cli("select " + shell_quote(file) + " -o " + shell_quote(dir.path() + "/o"));
    INFO(c.text << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(c.needle) != std::string::npos);
  }
}
