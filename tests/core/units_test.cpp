#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/units.hpp"

using monet::core::Dimension;
using monet::core::parse_quantity;

TEST_CASE("quantities convert to base units") {
  CHECK(parse_quantity("256 KiB", Dimension::kBytes) == 256.0 * 1024);
  CHECK(parse_quantity("2 MiB", Dimension::kBytes) == 2.0 * 1024 * 1024);
  CHECK(parse_quantity("4.9 Mb", Dimension::kBytes) == Approx(4.9e6 / 8));
  CHECK(parse_quantity("68 GB/s", Dimension::kBandwidth) == 68e9);
  CHECK(parse_quantity("0.5 pJ", Dimension::kEnergy) == 0.5);
  CHECK(parse_quantity("1.3 nJ", Dimension::kEnergy) == Approx(1300));
  CHECK(parse_quantity("625 MHz", Dimension::kFrequency) == 625e6);
  CHECK(parse_quantity("10 ns", Dimension::kTime) == Approx(1e-8));
  CHECK(parse_quantity("16 bit", Dimension::kBits) == 16);
  CHECK(parse_quantity("1e3 B", Dimension::kBytes) == 1000);
}

TEST_CASE("quantities without or with a wrong unit are rejected") {
  CHECK_THROWS_WITH(parse_quantity("256", Dimension::kBytes), Catch::Contains("has no unit"));
  CHECK_THROWS_WITH(parse_quantity("68 GB", Dimension::kBandwidth), Catch::Contains("not one of"));
  CHECK_THROWS_AS(parse_quantity("abc KiB", Dimension::kBytes), monet::core::Error);
  CHECK_THROWS_AS(parse_quantity("", Dimension::kEnergy), monet::core::Error);
}

TEST_CASE("counts and sizes format for humans") {
  CHECK(monet::core::format_count(1814073344) == "1,814,073,344");
  CHECK(monet::core::format_bytes(2.0 * 1024 * 1024) == "2.00 MiB");
  CHECK(monet::core::format_energy_pj(999.9e9) == "1 J");
  CHECK(monet::core::format_energy_pj(68.5e9) == "68.5 mJ");
}
