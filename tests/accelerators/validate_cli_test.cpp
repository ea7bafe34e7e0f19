// `monet-sim validate`: exit 0 and one summary line per core group for a good file; exit 2
// and every error for a bad one.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#ifdef MONET_CLI
#include "../cli/run_cli.hpp"

namespace {
// `monet-sim validate ARGS`, captured by the shared runner.
monet::test::CliResult run(const std::string& args) {
  return monet::test::run_cli("validate " + args);
}
}  // namespace

TEST_CASE("monet-sim validate summarises a good accelerator file") {
  auto r = run(std::string(MONET_SOURCE_DIR) + "/configs/accelerators/pynq-z1-tensil.yaml");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("is valid (2 cores)"));
  CHECK_THAT(r.output, Catch::Contains("tensil: array, 50 MHz, 64 MACs/cycle (8x8)"));
  CHECK_THAT(r.output, Catch::Contains("arm: simd, 650 MHz"));
  auto p = run("jetson-orin-nano");  // preset names work too
  CHECK(p.exit_code == 0);
  CHECK_THAT(p.output, Catch::Contains("sm0..sm7 (8x): gpu-sm, 625 MHz, 1024 MACs/cycle"));
}

TEST_CASE("monet-sim validate prints every error and exits 2") {
  auto path = std::filesystem::temp_directory_path() /
              ("monet_validate_bad_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream f(path);
    f << "name: bad\n"
         "cores:\n"
         "  - name: a\n"
         "    kind: simd\n"
         "    clock: 1 GHz\n"
         "    repeat: 0\n"
         "    op_kinds: [relu]\n"
         "    vector_ops_per_cycle: 4\n"
         "    vector_op_energy: 1 pJ\n"
         "    memories: [{name: m, size: 1 KiB, bandwidth: 8 bit/cycle, read_energy: 1 pJ/bit,"
         " write_energy: 1 pJ/bit, holds: [I]}]\n"
         "dram: {capacity: 1 GiB, bandwidth: 1 GB/s, read_energy: 1 pJ/bit, write_energy: 1 "
         "pJ/bit}\n";
  }
  auto r = run(path.string());
  std::filesystem::remove(path);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("2 errors"));
  CHECK_THAT(r.output, Catch::Contains(":6: field 'cores[0].repeat' = '0': must be at least 1"));
  CHECK_THAT(r.output, Catch::Contains(":10: field 'cores[0].memories'") &&
                           Catch::Contains("no memory holds operand O"));
}

TEST_CASE("monet-sim validate names what it does not recognise") {
  auto path = std::filesystem::temp_directory_path() /
              ("monet_validate_other_" + std::to_string(::getpid()) + ".yaml");
  { std::ofstream(path) << "stages: []\n"; }  // no kind validate knows
  auto r = run(path.string());
  std::filesystem::remove(path);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("top-level `cores`"));
}
#endif
