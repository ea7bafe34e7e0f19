#include "core/csv.hpp"

#include "core/error.hpp"

namespace monet::core {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

int CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

CsvTable parse_csv(const std::string& text, const std::string& source) {
  CsvTable t;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  int line = 1, row_line = 1;
  // Comment lines before the header (power.csv states its peak window there) are skipped.
  size_t start = 0;
  while (start < text.size() && text[start] == '#') {
    const size_t nl = text.find('\n', start);
    start = nl == std::string::npos ? text.size() : nl + 1;
    row_line = ++line;
  }
  auto end_row = [&] {
    row.push_back(std::move(field));
    field.clear();
    if (t.header.empty()) {
      t.header = std::move(row);
    } else if (row.size() != t.header.size()) {
      throw Error(source + ":" + std::to_string(row_line) + ": " + std::to_string(row.size()) +
                  " fields where the header has " + std::to_string(t.header.size()) +
                  " (truncated or not a CSV file?)");
    } else {
      t.rows.push_back(std::move(row));
    }
    row.clear();
    any = false;
  };
  for (size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) end_row();
      row_line = ++line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) throw Error(source + ":" + std::to_string(row_line) + ": a quoted field never ends");
  // Every row ends with a line break: a file cut inside its last field would pass otherwise.
  if (!text.empty() && text.back() != '\n')
    throw Error(source + ":" + std::to_string(row_line) +
                ": the last line has no line break (truncated?)");
  if (any || !field.empty()) end_row();
  if (t.header.empty()) throw Error(source + ": empty (no header line)");
  return t;
}

}  // namespace monet::core
