// Outputs survive SIGKILL: a run killed at any moment leaves its folder holding the previous
// complete set of files or the new one, never a mix, and the next run removes what the
// killed one left behind.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "core/file_io.hpp"
#include "run_cli.hpp"

namespace fs = std::filesystem;
using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;

namespace {

// Every file under `dir` (relative path → bytes).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      out[fs::relative(e.path(), dir).string()] = monet::core::read_file(e.path().string());
  return out;
}

// Starts `monet-sim run EXPERIMENT -o OUT`, kills it with SIGKILL after `delay`, reaps it.
void run_and_kill(const std::string& experiment, const std::string& out,
                  std::chrono::microseconds delay) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execl(MONET_CLI, MONET_CLI, "run", experiment.c_str(), "-o", out.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

}  // namespace

TEST_CASE("a run killed at random points leaves the previous set or the new one") {
  TempDir dir;
  const std::string head =
      "name: t\nworkload: {model: resnet12, batch: 2}\ntraining: {optimizer: sgd}\n"
      "accelerator: edge-hetero\n";
  const std::string a = dir.write("a.yaml", head + "fusion: {stacks: blocks, tiles: 2}\n");
  const std::string b = dir.write("b.yaml", head);
  // The two complete sets, written without interruption.
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(
      run_cli("run " + shell_quote(a) + " -o " + shell_quote(dir.path() + "/ref-a")).exit_code ==
      0);
  const auto full = std::chrono::steady_clock::now() - t0;
  REQUIRE(
      run_cli("run " + shell_quote(b) + " -o " + shell_quote(dir.path() + "/ref-b")).exit_code ==
      0);
  const auto set_a = snapshot(dir.path() + "/ref-a");
  const auto set_b = snapshot(dir.path() + "/ref-b");
  REQUIRE(set_a.size() >= 5);
  REQUIRE(set_a != set_b);

  const fs::path out = fs::path(dir.path()) / "out";
  REQUIRE(run_cli("run " + shell_quote(b) + " -o " + shell_quote(out.string())).exit_code == 0);
  std::mt19937 rng(17);
  const auto span = std::chrono::duration_cast<std::chrono::microseconds>(full).count();
  // Only b's set must show up (the folder starts as b's); a's need not, as every kill of a run
  // of a may land before its final swap.
  int seen_b = 0;
  for (int i = 0; i < 12; ++i) {
    // Kill points spread over the whole run, the final swap included.
    std::uniform_int_distribution<long> at(0, span + span / 5);
    run_and_kill(i % 2 ? b : a, out.string(), std::chrono::microseconds(at(rng)));
    const auto now = snapshot(out);
    const bool is_a = now == set_a, is_b = now == set_b;
    INFO("after kill " << i << " the folder holds " << now.size() << " files");
    CHECK((is_a || is_b));
    seen_b += is_b;
  }
  CHECK(seen_b > 0);
  // A complete run afterwards leaves no staging folder of the killed ones.
  REQUIRE(run_cli("run " + shell_quote(a) + " -o " + shell_quote(out.string())).exit_code == 0);
  CHECK(snapshot(out) == set_a);
  for (const auto& e : fs::directory_iterator(dir.path()))
    CHECK(e.path().filename().string().find(".staging.") == std::string::npos);
}
