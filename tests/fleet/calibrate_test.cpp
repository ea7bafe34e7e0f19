// calibrate through the CLI: recovering known values from measurements the simulator produced
// with them, and the located refusals of bad calibration files.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/file_io.hpp"
#include "tests/cli/run_cli.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;

namespace {
const std::string kPreset =
    std::string(MONET_SOURCE_DIR) + "/configs/accelerators/jetson-orin-nano.yaml";

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

std::string experiment(const std::string& name, const std::string& model, int batch,
                       const std::string& acc) {
  return "name: " + name + "\nworkload: {model: " + model + ", batch: " + std::to_string(batch) +
         "}\nmode: inference\naccelerator: " + acc +
         "\nfusion: {stacks: layer-by-layer, tiles: 1}\n";
}

// "  - experiment: ...\n    latency: ... s\n    energy: ... pJ\n" from a run on `truth_acc`
// (the board), the experiment calibrated on `acc`.
std::string measured(const TempDir& dir, const std::string& name, const std::string& model,
                     int batch, const std::string& truth_acc = "true.yaml",
                     const std::string& acc = kPreset) {
  std::string truth =
      dir.write("truth-" + name + ".yaml", experiment(name, model, batch, truth_acc));
  dir.write(name + ".yaml", experiment(name, model, batch, acc));
  std::string out = dir.path() + "/run-" + name;
  auto r = run_cli("run " + shell_quote(truth) + " -o " + shell_quote(out));
  REQUIRE(r.exit_code == 0);
  auto s = nlohmann::json::parse(monet::core::read_file(out + "/summary.json"));
  std::ostringstream m;
  m.precision(12);
  m << "  - experiment: " << name << ".yaml\n    latency: " << s["latency_s"].get<double>()
    << " s\n    energy: " << s["power"]["supply_energy_j"].get<double>() * 1e12 << " pJ\n";
  return m.str();
}
}  // namespace

TEST_CASE("calibrate recovers DRAM bandwidth and energy the measurements were simulated with",
          "[fleet][calibrate]") {
  TempDir dir;
  // The "board": the preset with DRAM at 50 GB/s and 10 pJ/bit instead of 68 GB/s, 8 pJ/bit.
  std::string text = monet::core::read_file(kPreset);
  text = replace_once(text, "  bandwidth: 68 GB/s", "  bandwidth: 50 GB/s");
  text = replace_once(text, "  read_energy: 8 pJ/bit", "  read_energy: 10 pJ/bit");
  dir.write("true.yaml", text);
  std::string cal =
      "parameters:\n"
      "  - {accelerator: " +
      kPreset +
      ", field: dram.bandwidth, min: 20 GB/s, max: 100 GB/s}\n"
      "  - {accelerator: " +
      kPreset +
      ", field: dram.read_energy, min: 2 pJ/bit, max: 20 pJ/bit}\n"
      "measurements:\n" +
      measured(dir, "r12", "resnet12", 1) + measured(dir, "r18", "resnet18", 4);
  std::string file = dir.write("cal.yaml", cal);
  std::string out = dir.path() + "/cal";
  auto r = run_cli("calibrate " + shell_quote(file) + " -o " + shell_quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(monet::core::read_file(out + "/calibration.json"));
  CHECK(j["schema"] == "monet.calibration/1");
  REQUIRE(j["parameters"].size() == 2);
  CHECK(std::abs(j["parameters"][0]["fitted"].get<double>() / 50 - 1) < 0.01);
  CHECK(std::abs(j["parameters"][1]["fitted"].get<double>() / 10 - 1) < 0.01);
  for (const auto& m : j["measurements"])
    for (const auto& q : m["quantities"]) {
      CHECK(std::abs(q["error_after"].get<double>()) < 0.001);
      // Before the fit the preset's DRAM is faster and cheaper than the board's.
      CHECK(q["error_before"].get<double>() < 0);
      // Each measurement is predicted by a fit to the other one alone.
      REQUIRE(q["error_leave_one_out"].is_number());
      CHECK(std::abs(q["error_leave_one_out"].get<double>()) < 0.01);
    }
  // The calibrated file says where its values came from and carries them.
  std::string acc = monet::core::read_file(out + "/jetson-orin-nano.yaml");
  CHECK(acc.rfind("# Calibrated by `monet-sim calibrate", 0) == 0);
  CHECK(acc.find("#   dram.bandwidth: 68 GB/s -> ") != std::string::npos);
  auto run =
      run_cli("run " +
              shell_quote(dir.write(
                  "check.yaml", experiment("c", "resnet12", 1, out + "/jetson-orin-nano.yaml"))) +
              " --no-files");
  CHECK(run.exit_code == 0);
}

TEST_CASE("a parameter shared by two accelerator files is fitted to one value",
          "[fleet][calibrate]") {
  TempDir dir;
  // Two designs of one family: B has a faster DRAM port than A; both boards spend 10 pJ/bit
  // on a DRAM read where the files say 8.
  std::string a = monet::core::read_file(kPreset);
  std::string b = replace_once(a, "  bandwidth: 68 GB/s", "  bandwidth: 102.4 GB/s");
  std::string a_file = dir.write("a.yaml", a), b_file = dir.write("b.yaml", b);
  dir.write("true-a.yaml", replace_once(a, "  read_energy: 8 pJ/bit", "  read_energy: 10 pJ/bit"));
  dir.write("true-b.yaml", replace_once(b, "  read_energy: 8 pJ/bit", "  read_energy: 10 pJ/bit"));
  std::string cal =
      "parameters:\n"
      "  - {accelerator: [a.yaml, b.yaml], field: dram.read_energy, min: 2 pJ/bit, "
      "max: 20 pJ/bit}\n"
      "measurements:\n" +
      measured(dir, "r12", "resnet12", 1, "true-a.yaml", a_file) +
      measured(dir, "r18", "resnet18", 1, "true-b.yaml", b_file);
  std::string out = dir.path() + "/cal";
  auto r =
      run_cli("calibrate " + shell_quote(dir.write("cal.yaml", cal)) + " -o " + shell_quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(monet::core::read_file(out + "/calibration.json"));
  REQUIRE(j["parameters"].size() == 1);
  CHECK(j["parameters"][0]["accelerators"].size() == 2);
  CHECK(std::abs(j["parameters"][0]["fitted"].get<double>() / 10 - 1) < 0.01);
  for (const auto& m : j["measurements"]) {
    // Both designs are fitted; each is predicted by the other's measurements alone.
    REQUIRE(m["quantities"][1]["error_leave_one_out"].is_number());
    CHECK(std::abs(m["quantities"][1]["error_leave_one_out"].get<double>()) < 0.01);
  }
  for (const char* f : {"/a.yaml", "/b.yaml"})
    CHECK(monet::core::read_file(out + f).find("#   dram.read_energy: 8 pJ/bit -> 10") !=
          std::string::npos);
  // A shared parameter starts from one value.
  dir.write("c.yaml", replace_once(a, "  read_energy: 8 pJ/bit", "  read_energy: 9 pJ/bit"));
  auto bad = run_cli("calibrate " +
                     shell_quote(dir.write(
                         "bad.yaml", replace_once(cal, "[a.yaml, b.yaml]", "[a.yaml, c.yaml]"))) +
                     " -o " + shell_quote(dir.path() + "/o"));
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("bad.yaml:2") != std::string::npos);
  CHECK(
      bad.output.find("starts from one value: 'dram.read_energy' is 9 pJ/bit here but 8 pJ/bit") !=
      std::string::npos);
}

TEST_CASE("no leave-one-out figure for a measurement that alone determines a parameter",
          "[fleet][calibrate]") {
  TempDir dir;
  // Two boards, each with its own DRAM read energy to fit and one measurement of latency and
  // energy: 4 quantities for 2 parameters, and leaving one measurement out keeps 2, but the
  // other board's measurement says nothing about this board's parameter.
  std::string a = monet::core::read_file(kPreset);
  std::string a_file = dir.write("a.yaml", a), b_file = dir.write("b.yaml", a);
  dir.write("true.yaml", replace_once(a, "  read_energy: 8 pJ/bit", "  read_energy: 10 pJ/bit"));
  std::string cal =
      "parameters:\n"
      "  - {accelerator: a.yaml, field: dram.read_energy, min: 2 pJ/bit, max: 20 pJ/bit}\n"
      "  - {accelerator: b.yaml, field: dram.read_energy, min: 2 pJ/bit, max: 20 pJ/bit}\n"
      "measurements:\n" +
      measured(dir, "r12", "resnet12", 1, "true.yaml", a_file) +
      measured(dir, "r18", "resnet18", 1, "true.yaml", b_file);
  std::string out = dir.path() + "/cal";
  auto r =
      run_cli("calibrate " + shell_quote(dir.write("cal.yaml", cal)) + " -o " + shell_quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(monet::core::read_file(out + "/calibration.json"));
  for (const auto& m : j["measurements"]) {
    CHECK(m["quantities"][0]["leave_one_out"].is_null());
    REQUIRE(m["leave_one_out_note"].is_string());
    CHECK(m["leave_one_out_note"].get<std::string>().find("do not determine every parameter") !=
          std::string::npos);
  }
}

TEST_CASE("calibrate refuses bad calibration files at their lines", "[fleet][calibrate]") {
  TempDir dir;
  dir.write("e.yaml", experiment("e", "resnet12", 1, kPreset));
  auto refuse = [&](const std::string& params, const std::string& meas, const std::string& says) {
    std::string file = dir.write("bad.yaml", "parameters:\n" + params + "measurements:\n" + meas);
    auto r = run_cli("calibrate " + shell_quote(file) + " -o " + shell_quote(dir.path() + "/o"));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(says) != std::string::npos);
  };
  std::string one = "  - {experiment: e.yaml, latency: 40 ms}\n";
  std::string p = "  - {accelerator: jetson-orin-nano, field: ";
  refuse(p + "dram.bandwith, min: 1 GB/s, max: 99 GB/s}\n", one,
         "bad.yaml:2: field 'parameters[0].field'");
  refuse(p + "dram.bandwith, min: 1 GB/s, max: 99 GB/s}\n", one, "has no key 'bandwith'");
  refuse(p + "cores.gpu.clock, min: 1 MHz, max: 2 GHz}\n", one, "no entry named 'gpu'");
  refuse(p + "dram.bandwidth, min: 70 GB/s, max: 99 GB/s}\n", one,
         "exclude the current value 68 GB/s");
  refuse(p + "dram.bandwidth, min: 1 pJ, max: 99 GB/s}\n", one, "not in the unit of the field");
  refuse(p + "dram.bandwidth, min: 1 GB/s, max: 99 GB/s}\n", "  - {experiment: e.yaml}\n",
         "states no quantity");
  refuse(p + "dram.bandwidth, min: 1 GB/s, max: 99 GB/s}\n" + p +
             "dram.read_energy, min: 1 pJ/bit, max: 99 pJ/bit}\n",
         one, "2 parameters but only 1 independent");
  refuse(p + "dram.bandwidth, min: 1 GB/s, max: 99 GB/s}\n",
         "  - {experiment: e.yaml, latency: 4 ms, energy: 1 mJ, power: 3 W}\n" + one +
             "  - {experiment: e.yaml, latency: 4 ms}\n",
         "two measurements are named 'e'");
}
