// `monet-sim describe --training`: the report, and exit code 2 with a clear message for bad
// input.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/run_cli.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;

TEST_CASE("describe --training --json reports phases and memory") {
  auto r = run_cli("describe resnet18 --training --optimizer adam --json");
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.output);
  CHECK(doc["schema"] == "monet.training/1");
  const int64_t forward = 1'814'073'344, conv1 = 118'013'952, params = 11'689'512;
  CHECK(doc["phases"]["forward"]["macs"] == forward);
  CHECK(doc["phases"]["backward-data"]["macs"] == forward - conv1);
  CHECK(doc["phases"]["backward-weight"]["macs"] == forward);
  CHECK(doc["totals"]["macs"] == 3 * forward - conv1);
  CHECK(doc["memory"]["optimizer_state_bytes"] == 2 * params * 4);
  CHECK(doc["memory"]["parameter_bytes"] == params * 4);
}

TEST_CASE("describe --training text report with a plan shows both memories") {
  auto r = run_cli("describe resnet18 --training --checkpoint sqrt");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("recompute") && Catch::Contains("saved activations") &&
                           Catch::Contains("sequential peak") && Catch::Contains("no checkpoint"));
  auto plain = run_cli("describe resnet18");
  REQUIRE(plain.exit_code == 0);
  CHECK_THAT(plain.output, !Catch::Contains("optimizer"));
}

TEST_CASE("describe --training rejects bad input with exit code 2") {
  auto r = run_cli("describe resnet18 --training --optimizer adamx");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("unknown optimizer 'adamx'") &&
                           Catch::Contains("sgd, momentum, adam, adamw"));

  r = run_cli("describe resnet18 --training --checkpoint drop:layer1.0.conv9");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output,
             Catch::Contains("'layer1.0.conv9'") && Catch::Contains("no tensor of that name"));

  monet::test::TempDir dir;
  auto plan = dir.write("plan.yaml", "- layer1.0.conv1\n- fc\n");
  r = run_cli("describe resnet18 --training --checkpoint " + shell_quote(plan));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("plan.yaml:2") && Catch::Contains("'fc'") &&
                           Catch::Contains("graph output"));

  r = run_cli("describe resnet18 --training --checkpoint every:zero");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("every:zero"));

  r = run_cli("describe resnet18 --optimizer adam");  // needs --training
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("--training"));
}
