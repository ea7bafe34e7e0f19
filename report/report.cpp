#include "report/report.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "report/assets.hpp"
#include "report/documents.hpp"

namespace monet::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr Kind kKinds[] = {Kind::kRun, Kind::kSearch, Kind::kComparison};

// JSON inside <script type="application/json">: "</" would end the element early.
std::string script_safe_json(const json& data) {
  std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 64);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && (text[i + 1] == '/' || text[i + 1] == '!'))
      out += "\\u003c";
    else
      out += text[i];
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string title_of(const Input& in, const json& data) {
  switch (in.kind) {
    case Kind::kRun: {
      const json& s = data["summary"];
      return s.value("experiment", fs::path(in.dir).filename().string()) + " — " +
             s.value("workload", "?") + " on " + s.value("accelerator", "?");
    }
    case Kind::kSearch:
      return "search " + data["pareto"].value("experiment", fs::path(in.dir).filename().string());
    case Kind::kComparison:
      return data["compare"].value("title", "comparison " + fs::path(in.dir).filename().string());
    case Kind::kGeneration: {
      const json& s = data["summary"];
      return s.value("experiment", fs::path(in.dir).filename().string()) + " — " +
             s.value("workload", "?") + " generating on " + s.value("accelerator", "?");
    }
    case Kind::kEpisode: {
      const json& s = data["summary"];
      return s.value("experiment", fs::path(in.dir).filename().string()) + " — " +
             s.value("workload", "?") + " few-shot episode on " + s.value("accelerator", "?");
    }
  }
  return "monet-sim report";
}
// A summary.json is a run's, a generation's or an episode's: its schema says which.
Kind refine(Kind k, const std::string& dir) {
  if (k != Kind::kRun) return k;
  const std::string schema = summary_schema(dir);
  if (schema == "monet.generate/1") return Kind::kGeneration;
  if (schema == "monet.episode/1") return Kind::kEpisode;
  return k;
}

// Writes the report of each run folder `dir/<name>` and returns the links to them, relative to
// `link_base`; a part without a report is said in `notes`.
json part_reports(const std::string& dir, const std::vector<std::string>& names,
                  const std::string& link_base, std::vector<std::string>& notes) {
  json links = json::object();
  for (const std::string& part : names) {
    const std::string sub = (fs::path(dir) / part).string();
    if (!has_file(sub, "summary.json")) {
      notes.push_back(part + "/ holds no summary.json: no report of it");
      continue;
    }
    // A part is one run; a folder of parts there (a copied or linked folder) is not followed,
    // so no folder is reported twice and no link loop recurses.
    if (const Kind k = refine(Kind::kRun, sub); k != Kind::kRun) {
      notes.push_back(part + "/ is not a run folder (its summary.json is a " + kind_name(k) +
                      "'s): no report of it");
      continue;
    }
    try {
      const Written inner = write_report(sub);
      links[part] = relative_link(inner.file, link_base);
    } catch (const core::Error& e) {
      notes.push_back(part + "/: no report (" + e.what() + ")");
    }
  }
  return links;
}
}  // namespace

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kRun:
      return "run";
    case Kind::kSearch:
      return "search";
    case Kind::kComparison:
      return "comparison";
    case Kind::kGeneration:
      return "generation";
    case Kind::kEpisode:
      return "episode";
  }
  return "?";
}

const char* marker_file(Kind k) {
  switch (k) {
    case Kind::kRun:
      return "summary.json";
    case Kind::kSearch:
      return "pareto.json";
    case Kind::kComparison:
      return "compare.json";
    case Kind::kGeneration:
    case Kind::kEpisode:
      return "summary.json";
  }
  return "?";
}

Input detect(const std::string& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    const std::string name = fs::path(path).filename().string();
    for (Kind k : kKinds)
      if (name == marker_file(k)) {
        std::string dir = fs::path(path).parent_path().string();
        if (dir.empty()) dir = ".";
        return {refine(k, dir), dir};
      }
    throw core::Error(path +
                      ": not a document `report` reads (give a run, search or comparison "
                      "folder, or its summary.json, pareto.json or compare.json)");
  }
  if (!fs::is_directory(path, ec))
    throw core::Error(path + ": no such folder (give a run, search or comparison folder)");
  std::vector<Kind> found;
  for (Kind k : kKinds)
    if (has_file(path, marker_file(k))) found.push_back(k);
  if (found.empty())
    throw core::Error(path +
                      ": not a run, search or comparison folder (it has no summary.json, "
                      "pareto.json or compare.json; `monet-sim run`, `search` and `compare` "
                      "write them)");
  if (found.size() > 1)
    throw core::Error(path + ": holds both " + marker_file(found[0]) + " and " +
                      marker_file(found[1]) + "; give the one to report on (" +
                      (fs::path(path) / marker_file(found[0])).string() + ")");
  return {refine(found[0], path), path};
}

std::string render_html(const std::string& title, const json& data) {
  std::string page;
  page.reserve(1u << 21);
  page +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"monet-sim report\">\n<title>";
  page += html_escape(title);
  page += "</title>\n<style>\n";
  page += assets::kStyleCss;
  page +=
      "</style>\n</head>\n<body>\n<div id=\"app\"><noscript>This report draws its charts with "
      "JavaScript.</noscript></div>\n<script type=\"application/json\" id=\"monet-data\">";
  page += script_safe_json(data);
  page += "</script>\n<script>\n";
  page += assets::kEchartsJs;
  page += "\n</script>\n<script>\n";
  page += assets::kScriptJs;
  page += "\n</script>\n</body>\n</html>\n";
  return page;
}

Written write_report(const std::string& path, const std::string& out) {
  Written w;
  w.input = detect(path);
  w.file = out.empty() ? (fs::path(w.input.dir) / "report.html").string() : out;
  std::error_code ec;
  fs::path parent = fs::absolute(w.file, ec).parent_path();
  const std::string link_base = parent.string();
  json data;
  switch (w.input.kind) {
    case Kind::kRun:
      data = run_data(w.input.dir, w.notes);
      break;
    case Kind::kSearch:
      data = search_data(w.input.dir, link_base, w.notes);
      break;
    case Kind::kComparison:
      data = compare_data(w.input.dir, link_base, w.notes);
      break;
    case Kind::kGeneration:
      data = generation_data(w.input.dir);
      // The prefill's and the longest decode step's run folders get their own reports.
      data["part_links"] = part_reports(w.input.dir, {"prefill", "decode"}, link_base, w.notes);
      break;
    case Kind::kEpisode: {
      data = episode_data(w.input.dir);
      std::vector<std::string> names;
      for (const json& part : data["summary"]["parts"]) names.push_back(part["name"]);
      data["part_links"] = part_reports(w.input.dir, names, link_base, w.notes);
      break;
    }
  }
  data["kind"] = kind_name(w.input.kind);
  data["source"] = w.input.dir;
  data["notes"] = w.notes;
  const std::string title = title_of(w.input, data);
  data["title"] = title;
  if (!fs::is_directory(parent, ec))
    throw core::Error(w.file + ": cannot write (folder " + parent.string() + " does not exist)");
  core::write_file_atomic(w.file, render_html(title, data));
  return w;
}

}  // namespace monet::report
