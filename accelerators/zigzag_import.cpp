#include "accelerators/zigzag_import.hpp"

#include "accelerators/loader.hpp"
#include "accelerators/zigzag_core.hpp"

namespace monet::accelerators {

using core::YamlNode;

std::array<MemOperand, 3> parse_operand_map(const std::string& text) {
  std::array<MemOperand, 3> out{MemOperand::kI, MemOperand::kW, MemOperand::kO};
  std::array<bool, 3> set{}, used{};
  const std::string rule =
      "an operand map is 'I1=X,I2=Y,O=Z' with X, Y, Z a permutation of I, W, O";
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    auto eq = item.find('=');
    if (eq == std::string::npos) throw core::Error("'" + item + "': " + rule);
    std::string zz = item.substr(0, eq), ours = item.substr(eq + 1);
    int k = -1, o = -1;
    for (int j = 0; j < 3; ++j) {
      if (zz == detail::kZigzagOperands[j]) k = j;
      if (ours == std::string(1, "IWO"[j])) o = j;
    }
    if (k < 0 || o < 0) throw core::Error("'" + item + "': " + rule);
    if (set[k]) throw core::Error("'" + zz + "' is mapped twice; " + rule);
    set[k] = true;
    out[k] = static_cast<MemOperand>(o);
  }
  for (int k = 0; k < 3; ++k) used[static_cast<int>(out[k])] = true;
  if (!(used[0] && used[1] && used[2]))
    throw core::Error("'" + text + "' maps two ZigZag operands to one of ours; " + rule);
  return out;
}

AcceleratorFormat detect_accelerator_format(const YamlNode& root) {
  if (!root.is_map()) return AcceleratorFormat::kUnknown;
  if (root.has("core_connectivity") || root.has("offchip_core") || root.has("offchip_core_id") ||
      root.has("graph") || (root.has("cores") && root["cores"].is_map()))
    return AcceleratorFormat::kStream;
  if (root.has("cores")) return AcceleratorFormat::kMonet;
  if (root.has("memories") && root.has("operational_array")) return AcceleratorFormat::kZigzag;
  return AcceleratorFormat::kUnknown;
}

std::string format_name(AcceleratorFormat f) {
  switch (f) {
    case AcceleratorFormat::kMonet:
      return "monet-sim";
    case AcceleratorFormat::kZigzag:
      return "ZigZag";
    case AcceleratorFormat::kStream:
      return "Stream";
    case AcceleratorFormat::kUnknown:
      break;
  }
  return "unknown";
}

Accelerator import_zigzag(const YamlNode& root, const ImportOptions& options) {
  detail::Reader r;
  auto zc = detail::read_zigzag_core(r, root, options, false);
  detail::throw_issues(r);
  Accelerator acc;
  acc.name = zc->core.name;
  acc.description = "imported from ZigZag core '" + zc->core.name + "'";
  acc.source_file = root.file();
  // ZigZag's top memory is the off-chip one: it serves every operand to the whole array.
  const auto& levels = zc->levels;
  if (levels.size() < 2 || !levels.back().holds_all()) {
    r.add(zc->memories,
          "the last (outermost) memory must hold I1, I2 and O: it is the off-chip memory and "
          "becomes the DRAM, and at least one on-chip memory must come before it");
  } else {
    acc.dram = detail::dram_from_level(levels.back(), options.clock_hz);
    detail::check_on_chip_operands(r, *zc, levels.size() - 1, options);
  }
  detail::throw_issues(r);
  Core core = zc->core;
  for (size_t i = 0; i + 1 < levels.size(); ++i) core.memories.push_back(levels[i].level);
  acc.cores.push_back(std::move(core));
  return detail::validate_converted(acc, root.file());
}

namespace {
YamlNode last_key_wins(const std::string& path, const std::string* text,
                       const ImportOptions& options) {
  if (!options.warnings)  // the strict loader refuses a key written twice, naming both lines
    return text ? core::parse_yaml(*text, path) : core::load_yaml_file(path);
  std::vector<core::ConfigIssue> replaced;
  core::YamlOptions lenient{core::DuplicateKeys::kLastWins, &replaced};
  YamlNode root =
      text ? core::parse_yaml(*text, path, lenient) : core::load_yaml_file(path, lenient);
  for (auto& issue : replaced)
    options.warnings->push_back(issue.str() + ", as PyYAML (ZigZag) does");
  return root;
}
}  // namespace

YamlNode parse_zigzag_yaml(const std::string& text, const std::string& name,
                           const ImportOptions& options) {
  return last_key_wins(name, &text, options);
}

YamlNode load_zigzag_yaml_file(const std::string& path, const ImportOptions& options) {
  return last_key_wins(path, nullptr, options);
}

Accelerator import_zigzag_file(const std::string& path, const ImportOptions& options) {
  return import_zigzag(load_zigzag_yaml_file(path, options), options);
}

Accelerator load_accelerator_any(const std::string& path, const ImportOptions& options) {
  // Our own format never lets a key written twice pass: detect first, then read strictly.
  std::vector<std::string> replaced;
  ImportOptions lenient = options;
  lenient.warnings = &replaced;
  YamlNode root = load_zigzag_yaml_file(path, lenient);
  const AcceleratorFormat format = detect_accelerator_format(root);
  if (!replaced.empty()) {
    if (format == AcceleratorFormat::kMonet || !options.warnings)
      root = core::load_yaml_file(path);  // throws, naming both lines
    else
      options.warnings->insert(options.warnings->end(), replaced.begin(), replaced.end());
  }
  switch (format) {
    case AcceleratorFormat::kMonet:
      return parse_accelerator(root);
    case AcceleratorFormat::kZigzag:
      return import_zigzag(root, options);
    case AcceleratorFormat::kStream:
      return import_stream(root, options);
    case AcceleratorFormat::kUnknown:
      break;
  }
  root.fail(
      "not an accelerator description: monet-sim's have a `cores` list, ZigZag cores have "
      "`memories` and `operational_array`, Stream files have `cores` by id and "
      "`core_connectivity`");
}

}  // namespace monet::accelerators
