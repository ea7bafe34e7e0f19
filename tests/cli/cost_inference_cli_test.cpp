// `monet-sim cost` without --training prices an inference forward pass, as `run` does in mode
// inference: BatchNorm on its running statistics.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/run_cli.hpp"

using monet::test::run_cli;

TEST_CASE("cli: cost without --training prices BatchNorm on running statistics") {
  // ResNet-18's bn1: 64 x 112 x 112 = 802,816 elements, a scale and a shift each: 1,605,632
  // operations; with --training the forward BatchNorm computes its batch statistics too (6 per
  // element: mean, variance, normalise, scale, shift).
  auto ops_of_bn1 = [](const std::string& extra) {
    auto r = run_cli("cost resnet18 --accelerator jetson-orin-nano --json" + extra);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const auto doc = nlohmann::json::parse(r.output);  // alive while its ops are read
    for (const auto& op : doc.at("ops"))
      if (op.at("name") == "bn1") return op;
    FAIL("no bn1 row");
    return nlohmann::json();
  };
  auto inference = ops_of_bn1("");
  CHECK(inference.at("cost").at("mapping").get<std::string>().find("1605632 ops") !=
        std::string::npos);
  auto training = ops_of_bn1(" --training");
  CHECK(training.at("cost").at("mapping").get<std::string>().find("4816896 ops") !=
        std::string::npos);
}
