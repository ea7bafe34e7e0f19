#include "workloads/weight_format.hpp"

namespace monet::workloads {

namespace {
// Operations per weight to turn a stored code into an operand: one multiply by the group's
// scale, one subtract of its zero point; a 1.6-bit ternary code is first decoded from its
// base-3 word (one table lookup per weight).
double dequant_ops_of(const WeightFormat& f) {
  double ops = 0;
  if (f.group_size > 0) ops += 1 + (f.zero_bits > 0 ? 1 : 0);
  if (f.kind == WeightFormat::Kind::kTernary && f.ternary_per_word == 5) ops += 1;
  return ops;
}
}  // namespace

Storage WeightFormat::storage() const {
  Storage s;
  if (kind == Kind::kTernary) {
    s.pack_elements = ternary_per_word;
    s.pack_bits = ternary_per_word == 5 ? 8 : 2;
  }
  if (group_size > 0) {
    s.group_elements = group_size;
    s.group_bits = scale_bits + zero_bits;
  }
  s.dequant_ops = dequant_ops_of(*this);
  return s;
}

std::string WeightFormat::str() const {
  std::string s =
      kind == Kind::kTernary
          ? std::string("ternary, ") +
                (ternary_per_word == 5 ? "5 per byte (1.6 bit)" : "2 bit each")
          : (group_size > 0 ? "int" + std::to_string(bits) : std::to_string(bits) + " bit");
  if (group_size > 0) {
    s += " g" + std::to_string(group_size) + " (" + std::to_string(scale_bits) + "-bit scales";
    if (zero_bits > 0) s += ", " + std::to_string(zero_bits) + "-bit zeros";
    s += ")";
  }
  return s;
}

namespace {
bool is_count(const core::YamlNode& n) {
  const std::string t = n.is_scalar() ? n.text() : "";
  return !t.empty() && t.find_first_not_of("0123456789") == std::string::npos;
}
}  // namespace

int precision_bits_from_yaml(const core::YamlNode& n) {
  if (!is_count(n)) n.fail("unknown precision: a number of bits (1..32)");
  return static_cast<int>(n.as_int(1, 32));
}

WeightFormat weight_format_from_yaml(const core::YamlNode& n) {
  WeightFormat f;
  if (n.is_scalar()) {
    if (!is_count(n))
      n.fail(
          "unknown weight precision: a number of bits (1..32), or a map such as {format: int, "
          "bits: 4, group_size: 128, scale_bits: 16} or {format: ternary, packing: 1.6 bit}");
    f.bits = precision_bits_from_yaml(n);
    return f;
  }
  if (!n.is_map())
    n.fail(
        "must be a number of bits or a map {format: int|ternary, bits, packing, group_size, "
        "scale_bits, zero_bits}");
  n.reject_unknown_keys({"format", "bits", "packing", "group_size", "scale_bits", "zero_bits"});
  const std::string format = n.has("format") ? n["format"].as_string() : "int";
  if (format == "ternary") {
    f.kind = WeightFormat::Kind::kTernary;
    if (n.has("bits"))
      n["bits"].fail("ternary weights have no bits: give packing (1.6 bit or 2 bit)");
    const core::YamlNode p = n.required("packing");
    const std::string packing = p.as_string();
    if (packing == "1.6 bit")
      f.ternary_per_word = 5;
    else if (packing == "2 bit")
      f.ternary_per_word = 1;
    else
      p.fail(
          "unknown ternary packing: '1.6 bit' (five weights per byte, 3^5 = 243 codes) or "
          "'2 bit' (one weight per 2 bits)");
  } else if (format == "int") {
    if (n.has("packing")) n["packing"].fail("packing applies to format: ternary");
    f.bits = precision_bits_from_yaml(n.required("bits"));
  } else {
    n["format"].fail("unknown weight format: int or ternary");
  }
  if (n.has("group_size")) {
    f.group_size = n["group_size"].as_int(1, int64_t{1} << 30);
    f.scale_bits = static_cast<int>(n.required("scale_bits").as_int(1, 32));
    if (n.has("zero_bits")) f.zero_bits = static_cast<int>(n["zero_bits"].as_int(1, 32));
  } else {
    for (const char* k : {"scale_bits", "zero_bits"})
      if (n.has(k)) n[k].fail(std::string(k) + " needs group_size (weights per scale)");
  }
  return f;
}

YAML::Node weight_format_yaml(const WeightFormat& f) {
  if (f.plain()) return YAML::Node(f.bits);
  YAML::Node n(YAML::NodeType::Map);
  n.SetStyle(YAML::EmitterStyle::Flow);
  if (f.kind == WeightFormat::Kind::kTernary) {
    n["format"] = "ternary";
    n["packing"] = f.ternary_per_word == 5 ? "1.6 bit" : "2 bit";
  } else {
    n["format"] = "int";
    n["bits"] = f.bits;
  }
  if (f.group_size > 0) {
    n["group_size"] = f.group_size;
    n["scale_bits"] = f.scale_bits;
    if (f.zero_bits > 0) n["zero_bits"] = f.zero_bits;
  }
  return n;
}

}  // namespace monet::workloads
