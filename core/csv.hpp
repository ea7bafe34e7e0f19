// CSV as the project writes it (RFC 4180: comma separated, a field with a comma, quote or line
// break is quoted and its quotes doubled), and the reader for it.
#pragma once

#include <string>
#include <vector>

namespace monet::core {

// `s` as one CSV field, quoted only when it has to be.
std::string csv_field(const std::string& s);

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // every row has header.size() fields
  int column(const std::string& name) const;   // -1 when absent
};

// Parses CSV text with a header line (lines starting with '#' before it are comments). Throws
// core::Error naming `source` and the line when a quote is left open, a row has a different number
// of fields than the header or the text does not end with a line break (as every file the project
// writes does: a cut file).
CsvTable parse_csv(const std::string& text, const std::string& source);

}  // namespace monet::core
