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
