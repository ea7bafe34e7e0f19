#include "report/documents.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"

namespace monet::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
std::string read_document(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw core::Error(path + ": cannot read (no such file)");
  try {
    return core::read_file(path);
  } catch (const std::exception& e) {
    throw core::Error(path + ": cannot read (" + std::string(e.what()) + ")");
  }
}

int line_of(const std::string& text, size_t byte) {
  byte = std::min(byte, text.size());
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(byte), '\n'));
}

bool as_number(const std::string& s, double& v) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc() && ptr == end && std::isfinite(v);
}

std::string join(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / name).string();
}
}  // namespace

json read_json_document(const std::string& path) {
  const std::string text = read_document(path);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    const bool at_end = e.byte >= text.size();
    throw core::Error(path + ":" + std::to_string(line_of(text, e.byte == 0 ? 0 : e.byte - 1)) +
                      ": not valid JSON" +
                      (at_end ? " (the file ends too early: truncated?)" : "") + " (" + e.what() +
                      ")");
  }
}

json read_csv_document(const std::string& path) {
  const core::CsvTable t = core::parse_csv(read_document(path), path);
  const size_t n = t.header.size();
  std::vector<bool> numeric(n, true);
  double v = 0;
  for (const auto& row : t.rows)
    for (size_t c = 0; c < n; ++c)
      if (numeric[c] && !row[c].empty() && !as_number(row[c], v)) numeric[c] = false;
  json rows = json::array();
  for (const auto& row : t.rows) {
    json r = json::array();
    for (size_t c = 0; c < n; ++c) {
      if (!numeric[c])
        r.push_back(row[c]);
      else if (row[c].empty())
        r.push_back(nullptr);
      else
        r.push_back(as_number(row[c], v) ? v : 0.0);
    }
    rows.push_back(std::move(r));
  }
  return {{"columns", t.header}, {"numeric", numeric}, {"rows", std::move(rows)}};
}

void require_schema(const json& doc, const std::string& schema, const std::string& path) {
  if (!doc.is_object())
    throw core::Error(path + ": must be a JSON object (a " + schema + " document)");
  if (!doc.contains("schema") || doc["schema"] != schema)
    throw core::Error(path + ": field `schema` is " +
                      (doc.contains("schema") ? doc["schema"].dump() : std::string("missing")) +
                      ", expected \"" + schema + "\"");
}

bool has_file(const std::string& dir, const std::string& name) {
  std::error_code ec;
  return fs::is_regular_file(join(dir, name), ec);
}

std::string relative_link(const std::string& target, const std::string& from) {
  std::error_code ec;
  fs::path t = fs::weakly_canonical(fs::absolute(target), ec);
  fs::path f = fs::weakly_canonical(fs::absolute(from), ec);
  fs::path rel = t.lexically_relative(f);
  return (rel.empty() ? t : rel).generic_string();
}

namespace {
void require_number(const json& doc, const std::string& field, const std::string& path) {
  if (!doc.contains(field) || !doc[field].is_number())
    throw core::Error(path + ": field `" + field + "` must be a number" +
                      (doc.contains(field) ? " (it is " + doc[field].dump() + ")" : " (missing)"));
}

// schedule.trace.json → tracks and slices (columnar; slice arguments by key, whatever keys
// the trace carries).
json gantt_of(const json& trace, const std::string& path) {
  if (!trace.is_object() || !trace.contains("traceEvents") || !trace["traceEvents"].is_array())
    throw core::Error(path + ": not a trace-event document (no `traceEvents` list)");
  std::map<int, std::string> process;
  std::map<std::pair<int, int>, std::string> thread;
  for (const auto& e : trace["traceEvents"]) {
    if (e.value("ph", "") != "M") continue;
    const std::string name = e.contains("args") ? e["args"].value("name", "") : "";
    if (e.value("name", "") == "process_name") process[e.value("pid", 0)] = name;
    if (e.value("name", "") == "thread_name") thread[{e.value("pid", 0), e.value("tid", 0)}] = name;
  }
  std::map<std::pair<int, int>, int> track_of;
  json tracks = json::array();
  for (const auto& [key, name] : thread) {
    track_of[key] = static_cast<int>(tracks.size());
    tracks.push_back(
        {{"name", name}, {"group", process.count(key.first) ? process[key.first] : ""}});
  }
  json track = json::array(), start = json::array(), dur = json::array(), name = json::array(),
       cat = json::array();
  std::map<std::string, json> args;
  size_t n = 0;
  for (const auto& e : trace["traceEvents"]) {
    if (e.value("ph", "") != "X") continue;
    const std::pair<int, int> key{e.value("pid", 0), e.value("tid", 0)};
    auto it = track_of.find(key);
    if (it == track_of.end()) {
      it = track_of.emplace(key, static_cast<int>(tracks.size())).first;
      tracks.push_back(
          {{"name", "pid " + std::to_string(key.first) + " tid " + std::to_string(key.second)},
           {"group", process.count(key.first) ? process[key.first] : ""}});
    }
    track.push_back(it->second);
    start.push_back(e.value("ts", 0.0) * 1e-6);
    dur.push_back(e.value("dur", 0.0) * 1e-6);
    name.push_back(e.value("name", ""));
    cat.push_back(e.value("cat", ""));
    if (e.contains("args") && e["args"].is_object())
      for (const auto& [k, v] : e["args"].items()) {
        json& column = args[k];
        if (column.is_null()) column = json::array();
        while (column.size() < n) column.push_back(nullptr);
        column.push_back(v);
      }
    ++n;
  }
  json arg_columns = json::object();
  for (auto& [k, column] : args) {
    while (column.size() < n) column.push_back(nullptr);
    arg_columns[k] = std::move(column);
  }
  return {{"tracks", tracks}, {"track", track}, {"start_s", start},   {"dur_s", dur},
          {"name", name},     {"cat", cat},     {"args", arg_columns}};
}

// memory.csv (long form: memory,time_s,used_bytes) → one timeline per memory, with the
// capacity and peak summary.json gives for it.
json memory_of(const json& csv, const json& summary, const std::string& path) {
  const auto& cols = csv["columns"];
  auto col = [&](const std::string& n) {
    for (size_t i = 0; i < cols.size(); ++i)
      if (cols[i] == n) return static_cast<int>(i);
    throw core::Error(path + ": no `" + n + "` column (expected memory,time_s,used_bytes)");
  };
  const int m = col("memory"), t = col("time_s"), u = col("used_bytes");
  std::map<std::string, json> capacity;
  if (summary.contains("memory") && summary["memory"].contains("per_memory"))
    for (const auto& pm : summary["memory"]["per_memory"]) capacity[pm.value("name", "")] = pm;
  std::vector<std::string> order;
  std::map<std::string, json> lines;
  for (const auto& row : csv["rows"]) {
    const std::string name = row[m].is_string() ? row[m].get<std::string>() : row[m].dump();
    auto [it, fresh] = lines.try_emplace(name, json::object());
    if (fresh) {
      order.push_back(name);
      it->second = {{"name", name}, {"time_s", json::array()}, {"used_bytes", json::array()}};
      if (capacity.count(name)) {
        it->second["capacity_bytes"] = capacity[name].value("capacity_bytes", json());
        it->second["peak_bytes"] = capacity[name].value("peak_bytes", json());
      }
    }
    it->second["time_s"].push_back(row[t]);
    it->second["used_bytes"].push_back(row[u]);
  }
  json out = json::array();
  for (const auto& name : order) out.push_back(std::move(lines[name]));
  return out;
}
}  // namespace

json run_data(const std::string& dir, std::vector<std::string>& notes) {
  const std::string summary_path = join(dir, "summary.json");
  json summary = read_json_document(summary_path);
  require_schema(summary, "monet.summary/1", summary_path);
  require_number(summary, "latency_s", summary_path);
  json data = {{"summary", summary}};
  auto optional = [&](const std::string& name, const std::string& section, auto&& read) {
    if (!has_file(dir, name)) {
      notes.push_back(name + " is missing: no " + section);
      return;
    }
    read(join(dir, name));
  };
  optional("ops.csv", "per-op table or energy by op",
           [&](const std::string& p) { data["ops"] = read_csv_document(p); });
  optional("memory.csv", "memory timelines", [&](const std::string& p) {
    data["memory"] = memory_of(read_csv_document(p), summary, p);
  });
  optional("schedule.trace.json", "per-core schedule (Gantt)",
           [&](const std::string& p) { data["gantt"] = gantt_of(read_json_document(p), p); });
  // Documents later commands add; each section appears when its document exists.
  if (has_file(dir, "power.csv")) data["power"] = read_csv_document(join(dir, "power.csv"));
  return data;
}

json search_data(const std::string& dir, const std::string& link_base,
                 std::vector<std::string>& notes) {
  const std::string path = join(dir, "pareto.json");
  json pareto = read_json_document(path);
  require_schema(pareto, "monet.pareto/1", path);
  if (!pareto.contains("objectives") || !pareto["objectives"].is_array() ||
      pareto["objectives"].empty())
    throw core::Error(path + ": field `objectives` must be a non-empty list of names");
  if (!pareto.contains("members") || !pareto["members"].is_array())
    throw core::Error(path + ": field `members` must be a list");
  const auto& objectives = pareto["objectives"];
  json links = json::array();
  for (size_t i = 0; i < pareto["members"].size(); ++i) {
    const json& m = pareto["members"][i];
    const std::string where = "members[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("objectives") || !m["objectives"].is_object())
      throw core::Error(path + ": " + where + ".objectives must be an object");
    for (const auto& o : objectives)
      if (!m["objectives"].contains(o.get<std::string>()) ||
          !m["objectives"][o.get<std::string>()].is_number())
        throw core::Error(path + ": " + where + ".objectives." + o.get<std::string>() +
                          " must be a number");
    const std::string replay = m.value("experiment", "");
    links.push_back(replay.empty() ? json() : json(relative_link(join(dir, replay), link_base)));
  }
  json data = {{"pareto", pareto}, {"experiment_links", links}};
  if (has_file(dir, "history.csv"))
    data["history"] = read_csv_document(join(dir, "history.csv"));
  else
    notes.push_back("history.csv is missing: no hypervolume history");
  if (has_file(dir, "search.json")) data["run"] = read_json_document(join(dir, "search.json"));
  return data;
}

std::string summary_schema(const std::string& dir) {
  try {
    const json doc = json::parse(core::read_file(join(dir, "summary.json")));
    if (doc.is_object() && doc.contains("schema") && doc["schema"].is_string())
      return doc["schema"].get<std::string>();
  } catch (const std::exception&) {
    // run_data reports what is wrong with the file.
  }
  return "";
}

json generation_data(const std::string& dir) {
  const std::string path = join(dir, "summary.json");
  json summary = read_json_document(path);
  require_schema(summary, "monet.generate/1", path);
  if (!summary.contains("generation") || !summary["generation"].is_object())
    throw core::Error(path + ": field `generation` must be an object");
  for (const char* f : {"ttft_s", "tpot_s", "total_s"})
    require_number(summary["generation"], f, path + " generation");
  if (!summary.contains("parts") || !summary["parts"].is_array())
    throw core::Error(path + ": field `parts` must be a list");
  return {{"summary", std::move(summary)}};
}

json episode_data(const std::string& dir) {
  const std::string path = join(dir, "summary.json");
  json summary = read_json_document(path);
  require_schema(summary, "monet.episode/1", path);
  for (const char* f : {"latency_s", "energy_pj"}) require_number(summary, f, path);
  if (!summary.contains("parts") || !summary["parts"].is_array() || summary["parts"].empty())
    throw core::Error(path + ": field `parts` must be a non-empty list");
  for (size_t i = 0; i < summary["parts"].size(); ++i) {
    const json& part = summary["parts"][i];
    const std::string where = path + " parts[" + std::to_string(i) + "]";
    if (!part.is_object() || !part.contains("name") || !part["name"].is_string())
      throw core::Error(where + ": field `name` must be a string");
    // The name is the part's folder beside summary.json, whose report is written too.
    const std::string name = part["name"];
    if (name.empty() || name == "." || name == ".." ||
        name.find_first_of("/\\") != std::string::npos)
      throw core::Error(where + ": field `name` = '" + name +
                        "' must be a folder name inside the episode folder");
    for (const char* f : {"repeat", "latency_s", "energy_pj"}) require_number(part, f, where);
  }
  return {{"summary", std::move(summary)}};
}

json compare_data(const std::string& dir, const std::string& link_base,
                  std::vector<std::string>& notes) {
  const std::string path = join(dir, "compare.json");
  json doc = read_json_document(path);
  require_schema(doc, "monet.compare/1", path);
  if (!doc.contains("metrics") || !doc["metrics"].is_array() || doc["metrics"].empty())
    throw core::Error(path + ": field `metrics` must be a non-empty list");
  std::vector<std::string> metric_names;
  for (size_t i = 0; i < doc["metrics"].size(); ++i) {
    const json& m = doc["metrics"][i];
    const std::string where = "metrics[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("name") || !m["name"].is_string())
      throw core::Error(path + ": " + where + ".name must be a string");
    if (m.contains("better") && m["better"] != "lower" && m["better"] != "higher")
      throw core::Error(path + ": " + where + ".better must be \"lower\" or \"higher\" (it is " +
                        m["better"].dump() + ")");
    metric_names.push_back(m["name"]);
  }
  if (!doc.contains("entries") || !doc["entries"].is_array() || doc["entries"].empty())
    throw core::Error(path + ": field `entries` must be a non-empty list");
  json links = json::array();
  for (size_t i = 0; i < doc["entries"].size(); ++i) {
    const json& e = doc["entries"][i];
    const std::string where = "entries[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("name") || !e["name"].is_string())
      throw core::Error(path + ": " + where + ".name must be a string");
    if (!e.contains("values") || !e["values"].is_object())
      throw core::Error(path + ": " + where + ".values must be an object");
    for (const auto& [k, v] : e["values"].items()) {
      if (!v.is_number() && !v.is_null())
        throw core::Error(path + ": " + where + ".values." + k +
                          " must be a number or null (it is " + v.dump() + ")");
      if (std::find(metric_names.begin(), metric_names.end(), k) == metric_names.end())
        throw core::Error(path + ": " + where + ".values." + k + " is not one of `metrics`");
    }
    json link;
    if (e.contains("run")) {
      if (!e["run"].is_string()) throw core::Error(path + ": " + where + ".run must be a folder");
      const std::string run_dir = join(dir, e["run"].get<std::string>());
      if (has_file(run_dir, "report.html"))
        link = relative_link(join(run_dir, "report.html"), link_base);
      else if (has_file(run_dir, "summary.json"))
        link = relative_link(join(run_dir, "summary.json"), link_base);
      else
        notes.push_back(where + ".run: " + run_dir + " holds no summary.json (no link)");
    }
    links.push_back(link);
  }
  return {{"compare", doc}, {"run_links", links}};
}

}  // namespace monet::report
