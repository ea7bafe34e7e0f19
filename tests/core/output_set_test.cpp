#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/output_set.hpp"

namespace fs = std::filesystem;
using monet::core::OutputSet;

namespace {
struct Scratch {
  fs::path root;
  Scratch() {
    root = fs::temp_directory_path() / ("monet-outset-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~Scratch() { fs::remove_all(root); }
  std::vector<std::string> names(const fs::path& dir) const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

// The pid of a process that has exited: a fork that quits at once, reaped.
pid_t dead_pid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}
}  // namespace

TEST_CASE("an output set replaces the whole folder; nothing of the previous set survives") {
  Scratch s;
  const std::string dir = (s.root / "out").string();
  {
    OutputSet set(dir, "search");
    set.write("pareto.json", "{}\n");
    set.write("front/000.yaml", "a\n");
    set.write("front/001.yaml", "b\n");
    CHECK_FALSE(fs::exists(dir));  // nothing visible before the commit
    set.commit();
  }
  CHECK(s.names(dir) == std::vector<std::string>{".monet-outputs.json", "front", "pareto.json"});
  auto marker = nlohmann::json::parse(monet::core::read_file(dir + "/.monet-outputs.json"));
  CHECK(marker["kind"] == "search");
  CHECK(marker["files"].size() == 3);
  {
    OutputSet set(dir, "search");
    set.write("pareto.json", "{\"n\": 1}\n");
    set.write("front/000.yaml", "c\n");
    set.commit();
  }
  CHECK(s.names(dir + "/front") == std::vector<std::string>{"000.yaml"});  // 001 is gone
  CHECK(monet::core::read_file(dir + "/front/000.yaml") == "c\n");
  // No staging or previous folder is left beside it.
  CHECK(s.names(s.root) == std::vector<std::string>{"out"});
}

TEST_CASE("an uncommitted set leaves nothing; stale staging folders of dead writers go") {
  Scratch s;
  const std::string dir = (s.root / "run").string();
  {
    OutputSet set(dir, "run");
    set.write("summary.json", "{}\n");
  }
  CHECK(s.names(s.root).empty());
  const std::string stale = ".run.staging." + std::to_string(dead_pid()) + ".0";
  fs::create_directories(s.root / stale / "x");
  const std::string alive = ".run.staging." + std::to_string(::getpid()) + ".999";
  fs::create_directories(s.root / alive);
  OutputSet set(dir, "run");
  CHECK_FALSE(fs::exists(s.root / stale));
  CHECK(fs::exists(s.root / alive));  // a running process may still be writing it
  fs::remove_all(s.root / alive);
}

TEST_CASE("a stale temporary of an atomic write is removed by the next write") {
  Scratch s;
  const fs::path file = s.root / "state.json";
  const fs::path stale = s.root / ("state.json.tmp." + std::to_string(dead_pid()));
  std::ofstream(stale) << "{\"trunc";
  monet::core::write_file_atomic(file.string(), "{}\n");
  CHECK_FALSE(fs::exists(stale));
  CHECK(s.names(s.root) == std::vector<std::string>{"state.json"});
}

TEST_CASE("folders monet-sim did not write, files and the working directory are refused") {
  Scratch s;
  fs::create_directories(s.root / "mine");
  std::ofstream(s.root / "mine" / "notes.txt") << "keep me";
  CHECK_THROWS_WITH(
      OutputSet((s.root / "mine").string(), "run"),
      Catch::Contains("mine: holds files monet-sim did not write (e.g. 'notes.txt')"));
  std::ofstream(s.root / "afile") << "x";
  CHECK_THROWS_WITH(OutputSet((s.root / "afile").string(), "run"),
                    Catch::Contains("exists and is not a folder"));
  CHECK_THROWS_WITH(monet::core::check_output_folder("."), Catch::Contains("working directory"));
  CHECK(monet::core::read_file((s.root / "mine" / "notes.txt").string()) == "keep me");
  // An empty folder is fine.
  fs::create_directories(s.root / "empty");
  CHECK_NOTHROW(monet::core::check_output_folder((s.root / "empty").string()));
}
