#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/yaml.hpp"

using monet::core::ConfigError;
using monet::core::parse_yaml;

TEST_CASE("YAML errors name file, line, field, value and rule") {
  auto root = parse_yaml("a: 1\nb:\n  size: -4\n  bw: 3 GB\n", "x.yaml");
  try {
    root["b"]["size"].as_int(1);
    FAIL("no throw");
  } catch (const ConfigError& e) {
    std::string m = e.what();
    CHECK(m == "x.yaml:3: field 'b.size' = '-4': must be at least 1");
  }
  CHECK_THROWS_WITH(root["b"]["bw"].as_quantity(monet::core::Dimension::kBandwidth),
                    Catch::Contains("x.yaml:4") && Catch::Contains("b.bw"));
  CHECK_THROWS_WITH(root.required("c"),
                    Catch::Contains("field 'c'") && Catch::Contains("required field is missing"));
  CHECK_THROWS_WITH(root.reject_unknown_keys({"a"}),
                    Catch::Contains("x.yaml:2") && Catch::Contains("unknown field"));
}

TEST_CASE("YAML syntax errors carry the line") {
  CHECK_THROWS_WITH(parse_yaml("a: [1, 2\nb: 3\n", "bad.yaml"),
                    Catch::StartsWith("bad.yaml:") && Catch::Contains("YAML syntax error"));
}

TEST_CASE("type queries on a missing key are false, not a crash") {
  auto root = parse_yaml("a: 1\n", "x.yaml");
  CHECK_FALSE(root["missing"].is_map());
  CHECK_FALSE(root["missing"].is_scalar());
  CHECK_FALSE(root["missing"]["deeper"].defined());
  CHECK_THROWS_AS(root["missing"].as_int(), ConfigError);
}

TEST_CASE("a YamlNode bound to a missing key can be copied, reassigned and indexed") {
  auto root = parse_yaml("a: 1\nb: [x]\n", "x.yaml");
  monet::core::YamlNode n;
  n = root["missing"];  // yaml-cpp's own assignment throws "invalid node" here
  CHECK_FALSE(n.defined());
  CHECK_FALSE(root["b"].at(5).defined());
  CHECK_FALSE(root["a"].at(0).defined());
  CHECK_THROWS_WITH(n.as_string(), Catch::Contains("x.yaml:1") && Catch::Contains("missing"));
  // Rebinding must leave the document alone (yaml-cpp's operator= writes through).
  n = root["a"];
  n = root["b"];
  CHECK(root["a"].as_int() == 1);
  CHECK(root["b"].is_seq());
}

TEST_CASE("a key written twice in one map is an error naming both lines") {
  CHECK_THROWS_WITH(
      parse_yaml("x: 1\nbatch: 2\ny: 3\nbatch: 0\n", "d.yaml"),
      Catch::StartsWith("d.yaml:4: field 'batch'") && Catch::Contains("lines 2 and 4"));
  CHECK_THROWS_WITH(parse_yaml("cores:\n  - name: a\n    kind: x\n    name: b\n", "d.yaml"),
                    Catch::Contains("field 'cores[0].name'") && Catch::Contains("lines 2 and 4"));
  // The same key in different maps is fine.
  CHECK_NOTHROW(parse_yaml("a: {k: 1}\nb: {k: 2}\nl: [{k: 1}, {k: 2}]\n", "ok.yaml"));
}

TEST_CASE("DuplicateKeys::kLastWins keeps the later value and warns") {
  std::vector<monet::core::ConfigIssue> warnings;
  monet::core::YamlOptions o;
  o.duplicates = monet::core::DuplicateKeys::kLastWins;
  o.warnings = &warnings;
  auto root = parse_yaml("m:\n  k: 1\n  j: 5\n  k: 2\n  k: 3\n", "z.yaml", o);
  CHECK(root["m"]["k"].as_int() == 3);
  CHECK(root["m"]["k"].loc().line == 5);
  CHECK(root["m"].size() == 2);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].str() ==
        "z.yaml:4: field 'm.k': duplicate key 'k': written on lines 2 and "
        "4; the later value is used");
  CHECK(warnings[1].where.line == 5);
}

TEST_CASE("depth, alias expansion, recursive aliases, extra documents and UTF-8 are refused") {
  std::string deep(5000, '[');
  CHECK_THROWS_WITH(parse_yaml(deep, "deep.yaml"),
                    Catch::StartsWith("deep.yaml:1") && Catch::Contains("nested deeper than 64"));
  // Ten levels of ten aliases each: 10^10 nodes once expanded, a few hundred bytes of text.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", " : "") + prev;
    bomb += "]\n";
  }
  CHECK_THROWS_WITH(parse_yaml(bomb, "bomb.yaml"),
                    Catch::Contains("exceeds 1,000,000 nodes") && Catch::StartsWith("bomb.yaml:"));
  CHECK_THROWS_WITH(parse_yaml("a: &a [1, *a]\n", "rec.yaml"),
                    Catch::Contains("refer to a node that contains it"));
  CHECK_THROWS_WITH(
      parse_yaml("a: 1\n---\nb: 2\n", "two.yaml"),
      Catch::StartsWith("two.yaml:2") && Catch::Contains("more than one YAML document"));
  CHECK_THROWS_WITH(parse_yaml("name: \"ok\"\nother: caf\xE9\n", "u.yaml"),
                    Catch::StartsWith("u.yaml:2: field 'other'") && Catch::Contains("UTF-8") &&
                        Catch::Contains("caf\\xE9"));
  CHECK_NOTHROW(parse_yaml("name: caf\xC3\xA9 \xE2\x9C\x93\n", "u.yaml"));
}

TEST_CASE("numbers read from YAML are finite and within the stated range") {
  auto root = parse_yaml("a: 1e308\nb: .inf\nc: nan\nd: 1e-300\ne: 0\nf: -2.5\n", "n.yaml");
  CHECK_THROWS_WITH(root["a"].as_double(), Catch::Contains("at most 1e+18"));
  CHECK_THROWS_WITH(root["b"].as_double(), Catch::Contains("must be a number"));
  CHECK_THROWS_WITH(root["c"].as_double(), Catch::Contains("must be a finite number"));
  CHECK_THROWS_WITH(root["d"].as_double(), Catch::Contains("0 or at least 1e-18"));
  CHECK(root["e"].as_double() == 0);
  CHECK(root["f"].as_double() == -2.5);
  CHECK_THROWS_WITH(root["f"].as_double(0, 1), Catch::Contains("at least 0"));
}

TEST_CASE("whole-document errors point at line 1; entries carry each key's line") {
  auto root = parse_yaml("", "empty.yaml");
  CHECK_THROWS_WITH(root.expect_map("an experiment map"),
                    Catch::StartsWith("empty.yaml:1") && Catch::Contains("an experiment map"));
  auto m = parse_yaml("a: 1\n\nb: [2]\n", "e.yaml");
  auto es = m.entries();
  REQUIRE(es.size() == 2);
  CHECK(es[1].key == "b");
  CHECK(es[1].key_node.loc().line == 3);
  CHECK(es[1].value.is_seq());
}

TEST_CASE("unreadable inputs are errors naming the path") {
  using monet::core::load_yaml_file;
  CHECK_THROWS_WITH(load_yaml_file("/nonexistent/x.yaml"),
                    Catch::StartsWith("/nonexistent/x.yaml: cannot open"));
  CHECK_THROWS_WITH(load_yaml_file("/tmp"), Catch::Contains("is a folder"));
  CHECK_THROWS_WITH(load_yaml_file("/dev/zero"),
                    Catch::StartsWith("/dev/zero: larger than 64 MiB"));
  std::string long_name = "/tmp/" + std::string(300, 'a') + ".yaml";
  CHECK_THROWS_WITH(load_yaml_file(long_name), Catch::Contains("File name too long"));
}
