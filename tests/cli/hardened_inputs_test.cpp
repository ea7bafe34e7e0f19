// The findings of issue #17's mutation campaign, one case each, through the CLI: every bad
// input exits 2 with a message naming the file, the line and the field (never exit 1, a
// crash, a hang or a non-finite number). Findings 8, 11 and 12 (resume, sweeps, output sets)
// are covered by search_resume_test, tests/python/test_sweep.py and crash_safety_test.
#include <catch2/catch.hpp>

#include <regex>

#include "core/file_io.hpp"
#include "run_cli.hpp"

using monet::test::CliResult;
using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;

namespace {
// The shipped preset with one line replaced: the mutation the campaign made.
std::string preset_with(const std::string& from, const std::string& to) {
  std::string text = monet::core::read_file(MONET_SOURCE_DIR "/configs/accelerators/tpu-like.yaml");
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}
const char* kWorkload =
    "name: w\nbatch: 2\ninputs: [{name: x, shape: [16]}]\n"
    "layers:\n  - {name: fc, type: linear, out_features: 4}\n";
void exits_2_at(const CliResult& r, const std::string& located) {
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(located));
}
}  // namespace

TEST_CASE("finding 5: a quantity that overflows after unit conversion is refused at its line") {
  TempDir dir;
  auto a = dir.write("a.yaml", preset_with("mac_energy: 0.04 pJ", "mac_energy: 1e308 pJ"));
  exits_2_at(run_cli("validate " + shell_quote(a)),
             "a.yaml:26: field 'cores[0].mac_energy' = '1e308 pJ'");
  a = dir.write("b.yaml", preset_with("bandwidth: 5.6 GB/s", "bandwidth: inf GB/s"));
  exits_2_at(run_cli("validate " + shell_quote(a)),
             "b.yaml:57: field 'dram.bandwidth' = 'inf GB/s'");
}

TEST_CASE("finding 9: a huge repeat count is refused before anything is allocated") {
  TempDir dir;
  auto a = dir.write("a.yaml",
                     preset_with("  - name: tpu\n", "  - repeat: 2147483648\n    name: tpu\n"));
  exits_2_at(run_cli("validate " + shell_quote(a)), "a.yaml:19: field 'cores[0].repeat'");
  exits_2_at(run_cli("validate /dev/zero"), "/dev/zero: larger than 64 MiB");
}

TEST_CASE("finding 3: a core without a name is a located missing field, not 'invalid node'") {
  TempDir dir;
  auto a = dir.write("a.yaml", preset_with("  - name: tpu\n", "  - nme: tpu\n"));
  const auto r = run_cli("validate " + shell_quote(a));
  exits_2_at(r, "a.yaml:19: field 'cores[0].name': required field is missing");
  CHECK_THAT(r.output, !Catch::Contains("invalid node"));
}

TEST_CASE("finding 6: a duplicate key names both lines; the second value is not ignored") {
  TempDir dir;
  auto w = dir.write("w.yaml",
                     "name: w\nbatch: 2\nbatch: 0\ninputs: [{name: x, shape: [16]}]\n"
                     "layers:\n  - {name: fc, type: linear, out_features: 4}\n");
  exits_2_at(run_cli("describe " + shell_quote(w)), "w.yaml:3: field 'batch'");
  CHECK_THAT(run_cli("describe " + shell_quote(w)).output, Catch::Contains("lines 2 and 3"));
}

TEST_CASE("finding 2: a size that overflows int64 is refused at the shape, not printed negative") {
  TempDir dir;
  auto w = dir.write("w.yaml",
                     "name: w\nbatch: 2\ninputs: [{name: x, shape: [9223372036854775807]}]\n"
                     "layers:\n  - {name: fc, type: linear, out_features: 4}\n");
  const auto r = run_cli("describe " + shell_quote(w));
  exits_2_at(r, "w.yaml:3: field 'inputs[0].shape'");
  CHECK_THAT(r.output, !Catch::Contains("MACs -"));
}

TEST_CASE("finding 10: a name that is not UTF-8 is refused at load, before simulating") {
  TempDir dir;
  auto w = dir.write("w.yaml",
                     "name: w\nbatch: 2\ninputs: [{name: x, shape: [16]}]\n"
                     "layers:\n  - {name: \"f\xff"
                     "c\", type: linear, out_features: 4}\n");
  exits_2_at(run_cli("describe " + shell_quote(w)),
             "w.yaml:5: field 'layers[0].name': text is not valid UTF-8");
}

TEST_CASE("finding 4: a path over 255 characters exits 2 naming the path") {
  const std::string name = "/tmp/" + std::string(300, 'a') + ".yaml";
  exits_2_at(run_cli("run " + shell_quote(name)), name + ": cannot open");
  exits_2_at(run_cli("validate " + shell_quote(name)), name);
}

TEST_CASE("finding 7: whole-graph and whole-accelerator errors name the experiment line") {
  TempDir dir;
  dir.write("w.yaml", kWorkload);
  auto e =
      dir.write("model.yaml", "name: e\nworkload: {model: nosuchmodel}\naccelerator: tpu-like\n");
  exits_2_at(run_cli("run " + shell_quote(e) + " --no-files"),
             "model.yaml:2: field 'workload.model' = 'nosuchmodel'");

  dir.write("two.yaml",
            "name: w\nbatch: 2\ninputs: [{name: x, shape: [16]}]\nlayers:\n"
            "  - {name: a, type: linear, out_features: 4, inputs: [x]}\n"
            "  - {name: b, type: linear, out_features: 4, inputs: [x]}\n");
  e = dir.write("outputs.yaml",
                "name: e\nworkload: {file: two.yaml}\ntraining: {optimizer: sgd}\n"
                "accelerator: edge-hetero\n");
  exits_2_at(run_cli("run " + shell_quote(e) + " --no-files"),
             "outputs.yaml:2: field 'workload': cannot be trained");

  // tpu-like's 2-byte output register cannot hold an fp32 training step's partial sums.
  e = dir.write("core.yaml",
                "name: e\nworkload: {file: w.yaml}\ntraining: {optimizer: sgd}\n"
                "accelerator: tpu-like\n");
  const auto r = run_cli("run " + shell_quote(e) + " --no-files");
  exits_2_at(r, "core.yaml:4: field 'accelerator'");
  CHECK_THAT(r.output, Catch::Contains("can run op 'fc'"));
}
