// The report writer on documents written by the real CLI, and on broken ones: kinds, located
// errors (exit 2 naming the file), a self-contained page, CSV reading.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "../cli/run_cli.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "report/documents.hpp"
#include "report/report.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;
namespace fs = std::filesystem;

namespace {
const std::string kExperiment =
    std::string(MONET_SOURCE_DIR) + "/configs/experiments/resnet18-train-edge-hetero.yaml";

// A run folder written by `monet-sim run`, shared by the tests of this file.
const std::string& run_folder() {
  static TempDir dir;
  static std::string out = [] {
    std::string o = dir.path() + "/run";
    auto r = run_cli("run " + shell_quote(kExperiment) + " -o " + shell_quote(o));
    REQUIRE(r.exit_code == 0);
    return o;
  }();
  return out;
}

// The JSON the page draws, taken back out of the HTML.
nlohmann::json embedded_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"monet-data\">";
  auto a = html.find(open);
  REQUIRE(a != std::string::npos);
  a += open.size();
  auto b = html.find("</script>", a);
  return nlohmann::json::parse(html.substr(a, b - a));
}
}  // namespace

TEST_CASE("a run folder becomes one self-contained page") {
  TempDir out;
  auto r =
      run_cli("report " + shell_quote(run_folder()) + " -o " + shell_quote(out.path() + "/r.html"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::string html = monet::core::read_file(out.path() + "/r.html");
  // Nothing is fetched: the page's own elements (outside the inline scripts) name no source.
  std::string skeleton;
  for (size_t at = 0;;) {
    size_t open = html.find("<script", at);
    skeleton += html.substr(at, open == std::string::npos ? std::string::npos : open - at);
    if (open == std::string::npos) break;
    at = html.find("</script>", open);
    REQUIRE(at != std::string::npos);
    skeleton += html.substr(open, html.find('>', open) + 1 - open);
    at += 9;
  }
  CHECK(skeleton.size() < 20000);  // the inline scripts (over 1 MB) are out
  CHECK_FALSE(std::regex_search(skeleton, std::regex("(src|href)=", std::regex::icase)));
  CHECK(html.find("Apache ECharts") != std::string::npos);  // the vendored library, inline
  auto data = embedded_data(html);
  auto summary = nlohmann::json::parse(monet::core::read_file(run_folder() + "/summary.json"));
  CHECK(data["kind"] == "run");
  CHECK(data["summary"] == summary);
  // Every op row of ops.csv and every CN of the trace made it into the page.
  CHECK(data["ops"]["rows"].size() == summary["counts"]["ops"].get<size_t>());
  size_t cn_slices = 0;
  for (const auto& t : data["gantt"]["track"])
    if (data["gantt"]["tracks"][t.get<size_t>()]["group"] == "cores") ++cn_slices;
  CHECK(cn_slices == summary["counts"]["cns"].get<size_t>());
  CHECK(data["gantt"]["args"].contains("bound_by"));
  CHECK(data["memory"].size() == summary["memory"]["per_memory"].size());
  CHECK(data["notes"].empty());
}

TEST_CASE("report names what it cannot read and exits 2") {
  TempDir dir;
  SECTION("a folder that is no run, search or comparison") {
    fs::create_directories(dir.path() + "/empty");
    auto r = run_cli("report " + shell_quote(dir.path() + "/empty"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(dir.path() + "/empty") &&
                             Catch::Contains("not a run, search or comparison folder"));
  }
  SECTION("a truncated summary.json") {
    fs::create_directories(dir.path() + "/cut");
    const std::string text = monet::core::read_file(run_folder() + "/summary.json");
    monet::core::write_file_atomic(dir.path() + "/cut/summary.json",
                                   text.substr(0, text.size() / 2));
    auto r = run_cli("report " + shell_quote(dir.path() + "/cut"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output,
               Catch::Contains(dir.path() + "/cut/summary.json:") && Catch::Contains("truncated"));
  }
  SECTION("a summary.json of another schema") {
    fs::create_directories(dir.path() + "/other");
    monet::core::write_file_atomic(dir.path() + "/other/summary.json", R"({"schema": "x/9"})");
    auto r = run_cli("report " + shell_quote(dir.path() + "/other"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("summary.json") && Catch::Contains("monet.summary/1"));
  }
  SECTION("a generation's summary without its figures") {
    fs::create_directories(dir.path() + "/gen");
    monet::core::write_file_atomic(dir.path() + "/gen/summary.json",
                                   R"({"schema": "monet.generate/1"})");
    auto r = run_cli("report " + shell_quote(dir.path() + "/gen"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("gen/summary.json") &&
                             Catch::Contains("`generation` must be an object"));
  }
  SECTION("an episode's summary without its figures, or naming a part outside its folder") {
    fs::create_directories(dir.path() + "/episode");
    monet::core::write_file_atomic(dir.path() + "/episode/summary.json",
                                   R"({"schema": "monet.episode/1"})");
    auto r = run_cli("report " + shell_quote(dir.path() + "/episode"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("episode/summary.json") && Catch::Contains("`latency_s`"));
    // A part's name is the folder whose report is written beside: never a path out of it.
    monet::core::write_file_atomic(
        dir.path() + "/episode/summary.json",
        R"({"schema": "monet.episode/1", "latency_s": 1, "energy_pj": 1, "parts": [)"
        R"({"name": "../x", "repeat": 1, "latency_s": 1, "energy_pj": 1}]})");
    r = run_cli("report " + shell_quote(dir.path() + "/episode"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("parts[0]") && Catch::Contains("'../x'") &&
                             Catch::Contains("folder name"));
    // A part folder linked back to the episode is not followed: a note, not a loop.
    monet::core::write_file_atomic(
        dir.path() + "/episode/summary.json",
        R"({"schema": "monet.episode/1", "latency_s": 1, "energy_pj": 1, "parts": [)"
        R"({"name": "loop", "repeat": 1, "latency_s": 1, "energy_pj": 1}]})");
    fs::create_directory_symlink(dir.path() + "/episode", dir.path() + "/episode/loop");
    r = run_cli("report " + shell_quote(dir.path() + "/episode"));
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output,
               Catch::Contains("loop/ is not a run folder") && Catch::Contains("episode"));
  }
  SECTION("a folder with two kinds of documents") {
    fs::create_directories(dir.path() + "/both");
    fs::copy_file(run_folder() + "/summary.json", dir.path() + "/both/summary.json");
    monet::core::write_file_atomic(dir.path() + "/both/pareto.json", "{}");
    auto r = run_cli("report " + shell_quote(dir.path() + "/both"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("holds both"));
  }
  SECTION("a truncated ops.csv") {
    fs::create_directories(dir.path() + "/ops");
    for (auto f : {"summary.json", "memory.csv", "schedule.trace.json"})
      fs::copy_file(run_folder() + "/" + f, dir.path() + "/ops/" + f);
    std::string ops = monet::core::read_file(run_folder() + "/ops.csv");
    monet::core::write_file_atomic(dir.path() + "/ops/ops.csv", ops.substr(0, ops.size() / 2));
    auto r = run_cli("report " + shell_quote(dir.path() + "/ops"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output,
               Catch::Contains(dir.path() + "/ops/ops.csv:") && Catch::Contains("truncated"));
  }
}

TEST_CASE("a run folder without its optional documents says what is left out") {
  TempDir dir;
  fs::copy_file(run_folder() + "/summary.json", dir.path() + "/summary.json");
  auto w = monet::report::write_report(dir.path());
  CHECK(w.file == dir.path() + "/report.html");
  REQUIRE(w.notes.size() == 3);  // ops.csv, memory.csv, the trace
  auto data = embedded_data(monet::core::read_file(w.file));
  CHECK(data["notes"].size() == 3);
  CHECK_FALSE(data.contains("gantt"));
}

TEST_CASE("the comparison fixture is a valid comparison document") {
  TempDir dir;
  fs::copy(std::string(MONET_SOURCE_DIR) + "/tests/data/report/compare", dir.path() + "/c");
  auto w = monet::report::write_report(dir.path() + "/c/compare.json");
  CHECK(w.input.kind == monet::report::Kind::kComparison);
  // Its first entry names a run folder that is not there: said, not silently dropped.
  REQUIRE(w.notes.size() == 1);
  CHECK_THAT(w.notes[0], Catch::Contains("entries[0].run"));
  auto doc = nlohmann::json::parse(monet::core::read_file(dir.path() + "/c/compare.json"));
  doc["entries"][1]["values"]["latency_s"] = "fast";
  monet::core::write_file_atomic(dir.path() + "/c/compare.json", doc.dump());
  CHECK_THROWS_WITH(monet::report::write_report(dir.path() + "/c"),
                    Catch::Contains("compare.json: entries[1].values.latency_s must be a number"));
}

TEST_CASE("the page data cannot end its script element") {
  nlohmann::json data = {{"kind", "run"}, {"evil", "</script><script>alert(1)</script>"}};
  const std::string html = monet::report::render_html("t", data);
  CHECK(embedded_data(html) == data);
  CHECK(html.find("</script><script>alert") == std::string::npos);
}

TEST_CASE("CSV: quoted fields, located errors") {
  auto t = monet::core::parse_csv("a,b\n\"x, \"\"y\"\"\",2\n3,\n", "t.csv");
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0][0] == "x, \"y\"");
  CHECK(t.rows[1][1].empty());
  CHECK(monet::core::csv_field("x, \"y\"") == "\"x, \"\"y\"\"\"");
  CHECK_THROWS_WITH(monet::core::parse_csv("a,b\n1,2\n3\n", "t.csv"), Catch::Contains("t.csv:3"));
  CHECK_THROWS_WITH(monet::core::parse_csv("a,b\n1,2\n3,4", "t.csv"), Catch::Contains("truncated"));
  CHECK_THROWS_WITH(monet::core::parse_csv("a,b\n\"1,2\n", "t.csv"),
                    Catch::Contains("t.csv:2") && Catch::Contains("never ends"));
  // Comment lines before the header are skipped and still counted in error locations.
  auto c = monet::core::parse_csv("# peak 3 W\n# more\na,b\n1,2\n", "c.csv");
  CHECK(c.header == std::vector<std::string>{"a", "b"});
  REQUIRE(c.rows.size() == 1);
  CHECK_THROWS_WITH(monet::core::parse_csv("# note\na,b\n1\n", "c.csv"),
                    Catch::Contains("c.csv:3"));
}
