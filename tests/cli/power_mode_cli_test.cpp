// `--accelerator NAME@MODE`: a power mode from the command line and from an experiment; an
// unknown mode is exit 2 listing the modes; `validate` lists a preset's modes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/file_io.hpp"
#include "run_cli.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;

namespace {
const std::string kModeExperiment =
    "name: m\nworkload: {model: resnet18}\naccelerator: jetson-orin-nano@7W\n"
    "fusion: {stacks: blocks, tiles: 2}\n";
}  // namespace

TEST_CASE("a power mode is selected by NAME@MODE, its budget reported") {
  TempDir dir;
  const auto exp = dir.write("m.yaml", kModeExperiment);
  const std::string out = dir.path() + "/run7";
  auto r = run_cli("run " + shell_quote(exp) + " -o " + shell_quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto s = nlohmann::json::parse(monet::core::read_file(out + "/summary.json"));
  CHECK(s["power"]["budget_w"] == 7.0);
  // Over or under, the flag agrees with the figures it is drawn from.
  CHECK(s["power"]["over_budget"] == (s["power"]["average_w"].get<double>() > 7.0));

  const std::string out25 = dir.path() + "/run25";
  auto r25 = run_cli("run " + shell_quote(exp) + " --accelerator jetson-orin-nano@25W -o " +
                     shell_quote(out25));
  REQUIRE(r25.exit_code == 0);
  const auto s25 = nlohmann::json::parse(monet::core::read_file(out25 + "/summary.json"));
  CHECK(s25["power"]["budget_w"] == 25.0);
  // 8 SMs at 918 MHz and 102.4 GB/s against 4 SMs at 408 MHz and 68 GB/s: faster.
  CHECK(s25["latency_s"].get<double>() < s["latency_s"].get<double>());
}

TEST_CASE("a power mode that does not exist is exit 2 listing the modes") {
  TempDir dir;
  const auto exp = dir.write("m.yaml", kModeExperiment);
  auto r = run_cli("run " + shell_quote(exp) + " --accelerator jetson-orin-nano@10W -o " +
                   shell_quote(dir.path() + "/x"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("no power mode '10W'") &&
                           Catch::Contains("modes: 7W, 15W, 25W, MAXN_SUPER"));
  auto v = run_cli("validate jetson-orin-nano");
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.output, Catch::Contains("mode 7W: sm 408 MHz, 4 sm on") &&
                           Catch::Contains("power budget: 15 W"));
}
