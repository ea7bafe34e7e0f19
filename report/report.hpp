// `monet-sim report`: one self-contained HTML file (scripts, styles and data inline; nothing is
// fetched) for a run folder, a search folder, a comparison, a generation (with the reports of
// its prefill/ and decode/ runs) or a few-shot episode (with the reports of its parts' runs).
// Formats: report/README.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace monet::report {

enum class Kind { kRun, kSearch, kComparison, kGeneration, kEpisode };
const char* kind_name(Kind k);  // "run", "search", "comparison", "generation", "episode"

// The document that marks each kind of folder: summary.json, pareto.json, compare.json; a
// generation's and an episode's summary.json (schemas monet.generate/1, monet.episode/1) too.
const char* marker_file(Kind k);

struct Input {
  Kind kind = Kind::kRun;
  std::string dir;  // the folder holding the documents
};

// `path` is a folder, or one of the marker files inside it. Throws core::Error naming the path
// when it is neither a run, a search nor a comparison folder, or when it is more than one.
Input detect(const std::string& path);

struct Written {
  Input input;
  std::string file;                // the HTML written
  std::vector<std::string> notes;  // sections left out and why (also shown in the page)
};

// Reads the documents, renders the page and writes it atomically to `out` (default:
// <dir>/report.html). Throws core::Error naming the file for bad input.
Written write_report(const std::string& path, const std::string& out = "");

// The page for already-read data (for tests): `data` is the JSON the page script draws.
std::string render_html(const std::string& title, const nlohmann::json& data);

}  // namespace monet::report
