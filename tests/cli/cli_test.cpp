// monet-sim as a user runs it: exit codes, error messages and machine-readable output.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/run_cli.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;

namespace {

// Names listed under "Subcommands:" in a CLI11 help text (a name starts at column 3;
// wrapped descriptions are indented further).
std::vector<std::string> subcommands_in(const std::string& help) {
  std::vector<std::string> names;
  std::istringstream in(help);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      inside = true;
    } else if (inside && line.size() > 2 && line.rfind("  ", 0) == 0 && line[2] != ' ') {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    } else if (inside && line.find_first_not_of(' ') == std::string::npos) {
      inside = false;
    }
  }
  return names;
}

// Every `describe` error case: exit code 2 and one message with file:line, field and rule.
void expect_describe_error(const std::string& yaml, int line, const std::string& field,
                           const std::string& rule) {
  TempDir dir;
  std::string file = dir.write("net.yaml", yaml);
  auto r = run_cli("describe " + shell_quote(file));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::StartsWith("error: " + file + ":" + std::to_string(line) +
                                         ": field '" + field + "'"));
  CHECK_THAT(r.output, Catch::Contains(rule));
}

const std::string kHead =
    "name: net\n"               // 1
    "inputs:\n"                 // 2
    "  - name: x\n"             // 3
    "    shape: [3, 32, 32]\n"  // 4
    "layers:\n";                // 5

}  // namespace

TEST_CASE("cli: workload file errors exit 2 with file, line, field and rule") {
  SECTION("wrong shape") {
    expect_describe_error(kHead +
                              "  - {name: c1, type: conv, out_channels: 8, kernel: 3}\n"
                              "  - {name: a, type: add, inputs: [c1, x]}\n",
                          7, "layers[1]", "shapes [1x8x32x32] and [1x3x32x32] differ");
  }
  SECTION("unknown layer type") {
    expect_describe_error(kHead + "  - {name: c, type: convolution, kernel: 3}\n", 6,
                          "layers[0].type", "unknown layer type; known: conv, linear");
  }
  SECTION("dangling input name") {
    expect_describe_error(kHead +
                              "  - {name: c1, type: conv, out_channels: 8, kernel: 3}\n"
                              "  - {name: r, type: relu, input: c2}\n",
                          7, "layers[1].input", "known here: x, c1");
  }
  SECTION("negative size") {
    expect_describe_error(kHead + "  - {name: fc, type: linear, out_features: -10}\n", 6,
                          "layers[0].out_features", "must be at least 1");
  }
  SECTION("YAML syntax error") {
    TempDir dir;
    std::string file = dir.write("net.yaml", kHead + "  - {name: c, type: conv\n");
    auto r = run_cli("describe " + shell_quote(file));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::StartsWith("error: " + file + ":"));
    CHECK_THAT(r.output, Catch::Contains("YAML syntax error"));
  }
}

TEST_CASE("cli: unknown model names and missing files exit 2") {
  auto r = run_cli("describe resnet99");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("unknown model 'resnet99'") && Catch::Contains("resnet18") &&
                           Catch::Contains(".yaml"));

  TempDir dir;
  std::string missing = dir.path() + "/absent.yaml";
  r = run_cli("describe " + shell_quote(missing));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(missing) && Catch::Contains("not found"));
}

TEST_CASE("cli: --help works for the app and every subcommand") {
  auto top = run_cli("--help");
  REQUIRE(top.exit_code == 0);
  std::vector<std::string> todo = subcommands_in(top.output);
  CHECK(std::find(todo.begin(), todo.end(), "list") != todo.end());
  CHECK(std::find(todo.begin(), todo.end(), "describe") != todo.end());
  size_t checked = 0;
  while (!todo.empty()) {  // nested subcommands are visited too ("a b --help")
    std::string path = todo.back();
    todo.pop_back();
    auto r = run_cli(path + " --help");
    INFO(path << ":\n" << r.output);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("Usage:"));
    for (const auto& sub : subcommands_in(r.output)) todo.push_back(path + " " + sub);
    ++checked;
  }
  CHECK(checked >= 2);
  CHECK(run_cli("").exit_code == 2);  // a subcommand is required
}

TEST_CASE("cli: describe --json for resnet18 has the published totals") {
  auto r = run_cli("describe resnet18 --json");
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.output);
  CHECK(doc["schema"] == "monet.describe/1");
  CHECK(doc["model"] == "resnet18");
  CHECK(doc["totals"]["parameters"].get<int64_t>() == 11689512);  // torchvision
  CHECK(doc["totals"]["macs"].get<int64_t>() == 1814073344);
  CHECK(doc["inputs"][0]["shape"] == nlohmann::json::array({1, 3, 224, 224}));
  int64_t macs = 0;
  for (const auto& op : doc["ops"]) macs += op["macs"].get<int64_t>();
  CHECK(macs == 1814073344);
}

TEST_CASE("cli: describe a workload file, with and without --batch") {
  const std::string mlp =
      shell_quote(std::string(MONET_SOURCE_DIR) + "/configs/workloads/mlp.yaml");
  const int64_t macs = 784 * 512 + 512 * 256 + 256 * 10;
  auto r = run_cli("describe " + mlp + " --json");
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.output);
  CHECK(doc["model"] == "mlp");
  CHECK(doc["totals"]["macs"].get<int64_t>() == macs);
  r = run_cli("describe " + mlp + " --json --batch 32");
  REQUIRE(r.exit_code == 0);
  doc = nlohmann::json::parse(r.output);
  CHECK(doc["totals"]["macs"].get<int64_t>() == 32 * macs);
  CHECK(doc["inputs"][0]["shape"] == nlohmann::json::array({32, 784}));
}

TEST_CASE("cli: list names every built-in workload") {
  auto r = run_cli("list");
  REQUIRE(r.exit_code == 0);
  // The reference networks of docs/references.md ("Built-in workloads").
  for (const char* name : {"resnet18", "resnet12", "mobilevit-xxs", "mobilevit-xs", "mobilevit-s",
                           "gpt2-small", "gpt2-medium"})
    CHECK_THAT(r.output, Catch::Contains(std::string("  ") + name + " "));
}
