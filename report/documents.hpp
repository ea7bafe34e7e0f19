// Reading the documents the CLI writes (summary.json, ops.csv, memory.csv, schedule.trace.json,
// pareto.json, history.csv, search.json, compare.json, and later documents such as power.csv)
// into the JSON the page script draws. Every error names the file (and line, when known).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace monet::report {

// A JSON document; throws core::Error "<path>:<line>: not valid JSON ..." for a truncated or
// broken file, "<path>: cannot read" when it is missing.
nlohmann::json read_json_document(const std::string& path);

// A CSV file as {"columns": [...], "numeric": [bool...], "rows": [[...]...]}: a column whose
// every non-empty field is a number holds numbers, the others strings.
nlohmann::json read_csv_document(const std::string& path);

// Checks `doc["schema"] == schema`; throws core::Error naming the file and the field.
void require_schema(const nlohmann::json& doc, const std::string& schema, const std::string& path);

// Whether `dir` holds `name` (a regular file).
bool has_file(const std::string& dir, const std::string& name);

// The data of each report kind. `notes` collects what the report leaves out and why (a missing
// optional document); `link_base` is the folder the HTML is written to, so links to files
// in `dir` are made relative to it.
nlohmann::json run_data(const std::string& dir, std::vector<std::string>& notes);
nlohmann::json search_data(const std::string& dir, const std::string& link_base,
                           std::vector<std::string>& notes);
// A generation folder's summary.json (schema monet.generate/1): {summary}; the page links the
// reports of its prefill/ and decode/ run folders (report.cpp writes those).
nlohmann::json generation_data(const std::string& dir);
// A few-shot episode folder's summary.json (schema monet.episode/1): {summary}; the page links
// the reports of its parts' run folders (report.cpp writes those).
nlohmann::json episode_data(const std::string& dir);
// The schema a folder's summary.json names ("" when it has none or cannot be read).
std::string summary_schema(const std::string& dir);
nlohmann::json compare_data(const std::string& dir, const std::string& link_base,
                            std::vector<std::string>& notes);

// Relative path from folder `from` to `target` (both taken as given or made absolute).
std::string relative_link(const std::string& target, const std::string& from);

}  // namespace monet::report
