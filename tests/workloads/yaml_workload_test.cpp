#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "core/error.hpp"
#include "workloads/models.hpp"
#include "workloads/yaml_workload.hpp"

using monet::core::ConfigError;
using monet::core::ConfigIssue;
using namespace monet::workloads;

namespace {

std::string config(const std::string& file) {
  return std::string(MONET_SOURCE_DIR) + "/configs/workloads/" + file;
}

// Parses `text` as net.yaml and returns the issues it must raise.
std::vector<ConfigIssue> issues_of(const std::string& text, const ModelParams& p = {}) {
  try {
    parse_workload_yaml(text, "net.yaml", p);
  } catch (const ConfigError& e) {
    return e.issues();
  }
  FAIL("no ConfigError for:\n" << text);
  return {};
}

// The one issue raised, checked for file, line, field, value and a phrase of the rule.
void expect_issue(const std::string& text, int line, const std::string& field,
                  const std::string& value, const std::string& rule) {
  auto issues = issues_of(text);
  INFO(text);
  REQUIRE(issues.size() == 1);
  const ConfigIssue& i = issues[0];
  CHECK(i.where.file == "net.yaml");
  CHECK(i.where.line == line);
  CHECK(i.field == field);
  CHECK(i.value == value);
  CHECK_THAT(i.rule, Catch::Contains(rule));
  CHECK_THAT(i.str(),
             Catch::StartsWith("net.yaml:" + std::to_string(line) + ": field '" + field + "'"));
}

// A valid header; layers start on line 6.
const std::string kHead =
    "name: net\n"               // 1
    "inputs:\n"                 // 2
    "  - name: x\n"             // 3
    "    shape: [3, 32, 32]\n"  // 4
    "layers:\n";                // 5

int64_t conv_params(int64_t cin, int64_t cout, int64_t k) {
  return cin * cout * k * k;
}

}  // namespace

TEST_CASE("mlp.yaml: parameters and MACs by hand") {
  Graph g = load_workload_file(config("mlp.yaml"));
  auto t = g.totals();
  CHECK(g.name() == "mlp");
  CHECK(t.parameters == (784 * 512 + 512) + (512 * 256 + 256) + (256 * 10 + 10));  // 535,818
  CHECK(t.macs == 784 * 512 + 512 * 256 + 256 * 10);
  CHECK(t.compute_op_count == 3);
  REQUIRE(g.outputs().size() == 1);
  CHECK(g.tensor(g.outputs()[0]).shape == Shape{1, 10});
}

TEST_CASE("resnet20-cifar.yaml: He et al. ResNet-20 with projection shortcuts") {
  Graph g = load_workload_file(config("resnet20-cifar.yaml"));
  auto t = g.totals();
  const int64_t bn = 2;  // γ and β per channel
  // Stem, then per stage: 3 blocks of two 3x3 convs + 2 BN; stages 2 and 3 start with a
  // stride-2 conv from the narrower width and a 1x1 conv + BN projection.
  int64_t params = conv_params(3, 16, 3) + bn * 16;
  params += 3 * (2 * conv_params(16, 16, 3) + 2 * bn * 16);
  for (int64_t w : {32, 64}) {
    int64_t in = w / 2;
    params += conv_params(in, w, 3) + conv_params(w, w, 3) + 2 * bn * w;  // first block
    params += conv_params(in, w, 1) + bn * w;                             // projection
    params += 2 * (2 * conv_params(w, w, 3) + 2 * bn * w);                // blocks 2, 3
  }
  params += 64 * 10 + 10;
  CHECK(params == 272474);
  CHECK(t.parameters == params);
  // The paper's option-A model (no projection parameters) has the often-quoted 269,722.
  CHECK(t.parameters - (conv_params(16, 32, 1) + bn * 32 + conv_params(32, 64, 1) + bn * 64) ==
        269722);

  // MACs = output pixels · out channels · in channels / groups · kernel².
  int64_t macs = 32 * 32 * conv_params(3, 16, 3);
  macs += 6 * 32 * 32 * conv_params(16, 16, 3);
  macs += 16 * 16 * (conv_params(16, 32, 3) + 5 * conv_params(32, 32, 3) + conv_params(16, 32, 1));
  macs += 8 * 8 * (conv_params(32, 64, 3) + 5 * conv_params(64, 64, 3) + conv_params(32, 64, 1));
  macs += 64 * 10;
  CHECK(t.macs == macs);
  CHECK(t.macs == 40813184);
  CHECK(t.compute_op_count == 1 + 18 + 2 + 1);
  const Op& fc = g.op(g.find_op("fc"));
  CHECK(fc.block == "head");
  CHECK(g.op(g.find_op("layer3.0.downsample.1")).block == "layer3.0");
  CHECK(g.tensor(g.find_tensor("layer3.2.relu2")).shape == Shape{1, 64, 8, 8});
}

TEST_CASE("pefsl-resnet9.yaml: PEFSL's strided ResNet-9, 16 feature maps, by hand") {
  Graph g = load_workload_file(config("pefsl-resnet9.yaml"));
  // brain-bzh/PEFSL ResNet9(16, use_strides): blocks 3->16->40->80; conv1, conv2 3x3 at the
  // block's input size, conv3 3x3 stride 2 and a 1x1 stride-2 shortcut at half the size; a
  // BatchNorm (γ, β) after each of the four convs. 32x32 input: blocks at 32, 16, 8.
  struct Block {
    int64_t cin, cout, size;
  };
  int64_t params = 0, macs = 0;
  for (Block b : {Block{3, 16, 32}, Block{16, 40, 16}, Block{40, 80, 8}}) {
    const int64_t full = b.size * b.size, half = full / 4;
    params += conv_params(b.cin, b.cout, 3) + 2 * conv_params(b.cout, b.cout, 3) +
              conv_params(b.cin, b.cout, 1) + 4 * 2 * b.cout;
    macs += full * (conv_params(b.cin, b.cout, 3) + conv_params(b.cout, b.cout, 3)) +
            half * (conv_params(b.cout, b.cout, 3) + conv_params(b.cin, b.cout, 1));
  }
  CHECK(params == 188'576);
  CHECK(macs == 16'029'696);
  CHECK(g.totals().parameters == params);
  CHECK(g.totals().macs == macs);
  REQUIRE(g.outputs().size() == 1);
  CHECK(g.tensor(g.outputs()[0]).shape == Shape{1, 80});  // the feature vector
  CHECK(g.tensor(g.find_tensor("block3.relu")).shape == Shape{1, 80, 4, 4});
}

TEST_CASE("mobilenetv2.yaml: torchvision's MobileNetV2, block by block") {
  Graph g = load_workload_file(config("mobilenetv2.yaml"));
  // Stem 3x3/2 to 112x112; per block (t, c, n, s): expand 1x1 (t > 1), depthwise 3x3 at the
  // block's stride, project 1x1, a BatchNorm (2 per channel) after each conv.
  struct Stage {
    int64_t t, c, n, s;
  };
  int64_t cin = 32, h = 112;
  int64_t params = conv_params(3, 32, 3) + 2 * 32, macs = 112 * 112 * conv_params(3, 32, 3);
  for (Stage st : {Stage{1, 16, 1, 1}, Stage{6, 24, 2, 2}, Stage{6, 32, 3, 2}, Stage{6, 64, 4, 2},
                   Stage{6, 96, 3, 1}, Stage{6, 160, 3, 2}, Stage{6, 320, 1, 1}})
    for (int64_t i = 0; i < st.n; ++i) {
      const int64_t hidden = cin * st.t, out_h = i == 0 ? h / st.s : h;
      if (st.t != 1) {
        params += conv_params(cin, hidden, 1) + 2 * hidden;
        macs += h * h * conv_params(cin, hidden, 1);
      }
      params += hidden * 9 + 2 * hidden + conv_params(hidden, st.c, 1) + 2 * st.c;
      macs += out_h * out_h * (hidden * 9 + conv_params(hidden, st.c, 1));
      cin = st.c;
      h = out_h;
    }
  params += conv_params(320, 1280, 1) + 2 * 1280 + 1280 * 1000 + 1000;
  macs += h * h * conv_params(320, 1280, 1) + 1280 * 1000;
  CHECK(h == 7);
  CHECK(params == 3'504'872);  // torchvision mobilenet_v2
  CHECK(g.totals().parameters == params);
  CHECK(g.totals().macs == macs);
  CHECK(macs == 300'774'272);
}

TEST_CASE("transformer-tiny.yaml matches the GPT-2 builder of the same size") {
  Graph g = load_workload_file(config("transformer-tiny.yaml"));
  const int64_t d = 128, T = 128, V = 1000, H = 4, L = 2;
  const int64_t ln = 2 * d;
  const int64_t block = ln + 4 * (d * d + d) + ln + (d * 4 * d + 4 * d) + (4 * d * d + d);
  const int64_t params = V * d + T * d + L * block + ln + d * V;  // head untied, no bias
  CHECK(g.totals().parameters == params);
  const int64_t block_macs = 4 * T * d * d + 2 * H * T * T * (d / H) + 2 * T * d * 4 * d;
  CHECK(g.totals().macs == L * block_macs + T * d * V);

  // The built-in GPT-2 ties the head to the token embedding: same MACs, V·d fewer weights.
  Gpt2Options o;
  o.layers = L;
  o.heads = H;
  o.d_model = d;
  o.vocab = V;
  o.seq = T;
  o.max_positions = T;
  Graph ref = gpt2(o);
  CHECK(g.totals().macs == ref.totals().macs);
  CHECK(g.totals().parameters - ref.totals().parameters == V * d);
}

TEST_CASE("every workload file in configs/workloads loads") {
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(config(""))) {
    if (!is_workload_file_name(e.path().string())) continue;
    INFO(e.path());
    CHECK_NOTHROW(load_workload_file(e.path().string()));
    ++files;
  }
  CHECK(files >= 3);
}

TEST_CASE("the --batch option replaces the file's batch only when given") {
  std::string text =
      "batch: 2\n" + kHead + "  - {name: c, type: conv, out_channels: 8, kernel: 3}\n";
  const int64_t per_sample = 32 * 32 * conv_params(3, 8, 3);
  CHECK(parse_workload_yaml(text, "net.yaml").totals().macs == 2 * per_sample);
  CHECK(parse_workload_yaml(text, "net.yaml", {.batch = 5}).totals().macs == 2 * per_sample);
  Graph g = parse_workload_yaml(text, "net.yaml", {.batch = 5, .batch_set = true});
  CHECK(g.totals().macs == 5 * per_sample);
  CHECK(g.tensor(g.inputs()[0]).shape == Shape{5, 3, 32, 32});
  CHECK_THROWS_WITH(parse_workload_yaml(text, "net.yaml", {.seq = 64}),
                    Catch::Contains("GPT-2 models only"));
}

TEST_CASE("defaults: chaining, names, sticky blocks, same padding, element bits") {
  Graph g = parse_workload_yaml("element_bits: 16\n" + kHead +
                                    "  - {type: conv, out_channels: 8, kernel: 5, block: b1}\n"
                                    "  - {type: relu}\n"
                                    "  - {name: p, type: maxpool, kernel: 2}\n"
                                    "  - {name: f, type: flatten, block: head}\n"
                                    "  - {name: r, type: reshape, shape: [2, -1]}\n",
                                "dir/net.yaml");
  CHECK(g.name() == "net");
  const Tensor& c = g.tensor(g.find_tensor("conv_0"));
  CHECK(c.shape == Shape{1, 8, 32, 32});  // "same": padding 5/2 = 2
  CHECK(c.elem_bits == 16);
  CHECK(g.op(g.find_op("relu_1")).block == "b1");
  CHECK(g.tensor(g.find_tensor("p")).shape == Shape{1, 8, 16, 16});  // stride = kernel
  CHECK(g.op(g.find_op("p")).block == "b1");
  CHECK(g.tensor(g.find_tensor("f")).shape == Shape{1, 8 * 16 * 16});
  CHECK(g.tensor(g.find_tensor("r")).shape == Shape{1, 2, 8 * 16 * 16 / 2});
  CHECK(g.op(g.find_op("r")).block == "head");
}

TEST_CASE("bad workload files name file, line, field, value and rule") {
  SECTION("unknown layer type lists the known ones") {
    expect_issue(kHead + "  - {name: c, type: convv, out_channels: 8}\n", 6, "layers[0].type",
                 "convv", "unknown layer type; known: conv, linear, matmul");
  }
  SECTION("dangling input names the known ones") {
    expect_issue(kHead +
                     "  - {name: c1, type: conv, out_channels: 8, kernel: 3}\n"
                     "  - {name: r, type: relu, input: c9}\n",
                 7, "layers[1].input", "c9", "known here: x, c1");
  }
  SECTION("input naming a later layer") {
    expect_issue(kHead +
                     "  - {name: r, type: relu, input: c1}\n"
                     "  - {name: c1, type: conv, out_channels: 8, kernel: 3}\n",
                 6, "layers[0].input", "c1", "defined later (line 7)");
  }
  SECTION("negative and zero sizes") {
    expect_issue(kHead + "  - {name: c, type: conv, out_channels: -4, kernel: 3}\n", 6,
                 "layers[0].out_channels", "-4", "must be at least 1");
    expect_issue(kHead + "  - name: c\n    type: conv\n    out_channels: 4\n    kernel: 0\n", 9,
                 "layers[0].kernel", "0", "must be at least 1");
    expect_issue(
        "name: n\ninputs:\n  - {name: x, shape: [3, 0, 32]}\nlayers:\n"
        "  - {type: relu}\n",
        3, "inputs[0].shape[1]", "0", "must be at least 1");
  }
  SECTION("wrong shapes are reported at the layer") {
    expect_issue(kHead +
                     "  - {name: c1, type: conv, out_channels: 8, kernel: 3}\n"
                     "  - {name: a, type: add, inputs: [c1, x]}\n",
                 7, "layers[1]", "a", "shapes [1x8x32x32] and [1x3x32x32] differ");
    expect_issue(kHead +
                     "  - {name: f, type: flatten}\n"
                     "  - {name: c, type: conv, out_channels: 8, kernel: 3}\n",
                 7, "layers[1]", "c", "input must be [B, C, H, W], got [1x3072]");
  }
  SECTION("duplicate names") {
    expect_issue(kHead +
                     "  - {name: c, type: conv, out_channels: 8, kernel: 3}\n"
                     "  - {name: c, type: relu}\n",
                 7, "layers[1].name", "c", "already used on line 6");
    expect_issue(kHead + "  - {name: x, type: relu}\n", 6, "layers[0].name", "x",
                 "already used on line 3");
  }
  SECTION("unknown fields list the allowed ones") {
    expect_issue(kHead + "  - {name: c, type: conv, out_channels: 8, kernal: 3, kernel: 3}\n", 6,
                 "layers[0].kernal", "3",
                 "allowed: name, type, input, inputs, block, out_channels");
    expect_issue("nmae: n\n" + kHead + "  - {type: relu}\n", 1, "nmae", "", "unknown field");
  }
  SECTION("input counts per type") {
    expect_issue(kHead + "  - {name: a, type: add}\n", 6, "layers[0].inputs", "",
                 "add takes exactly 2 inputs");
    expect_issue(kHead + "  - {name: r, type: relu, inputs: [x, x]}\n", 6, "layers[0].inputs",
                 "<list>", "relu takes exactly 1 input");
  }
  SECTION("reshape and concat rules") {
    expect_issue(kHead + "  - {name: r, type: reshape, shape: [7, -1]}\n", 6, "layers[0].shape",
                 "<list>", "3072 elements per sample are not divisible by 7");
    expect_issue(kHead + "  - {name: k, type: concat, inputs: [x, x], axis: 4}\n", 6,
                 "layers[0].axis", "4", "must be 1..3");
    expect_issue(kHead + "  - {name: p, type: maxpool, kernel: 3, padding: 2}\n", 6,
                 "layers[0].padding", "2", "at most half the kernel");
  }
  SECTION("YAML syntax errors carry the line") {
    auto issues = issues_of(kHead + "  - {name: c, type: conv\n  - {type: relu}\n");
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].where.file == "net.yaml");
    CHECK(issues[0].where.line >= 6);
    CHECK_THAT(issues[0].rule, Catch::StartsWith("YAML syntax error"));
  }
}

TEST_CASE("independent errors are reported together, in line order") {
  auto issues = issues_of("batch: 1\n" + kHead +                                      // line 1
                          "  - {name: c1, type: conv, out_channels: 0, kernel: 3}\n"  // 7
                          "  - {name: r1, type: relu}\n"                              // 8: skipped
                          "  - {name: a, type: add, inputs: [x, f]}\n"                // 9: later
                          "  - {name: f, type: flatten, input: x}\n"                  // 10
                          "  - {name: c2, type: conv, out_channels: 8, kernel: 3}\n"  // 11
                          "  - {name: m, type: mish}\n");                             // 12
  REQUIRE(issues.size() == 4);
  CHECK(issues[0].where.line == 7);
  CHECK(issues[0].field == "layers[0].out_channels");
  CHECK(issues[1].where.line == 9);
  CHECK(issues[1].field == "layers[2].inputs[1]");
  CHECK(issues[2].where.line == 11);
  CHECK(issues[2].field == "layers[4]");
  CHECK_THAT(issues[2].rule, Catch::Contains("[B, C, H, W]"));
  CHECK(issues[3].where.line == 12);
  CHECK(issues[3].field == "layers[5].type");
}

TEST_CASE("a missing workload file is a ConfigError naming it") {
  CHECK_THROWS_MATCHES(load_workload_file("/nonexistent/net.yaml"), ConfigError,
                       Catch::Message("/nonexistent/net.yaml: workload file not found"));
  CHECK(is_workload_file_name("a/b.yml"));
  CHECK_FALSE(is_workload_file_name("resnet18"));
  CHECK_FALSE(is_workload_file_name(".yaml"));
}

TEST_CASE("sizes beyond 2^56 are located errors, never wrapped-around counts") {
  // 2^63 - 1 elements per sample before a linear layer once printed "forward MACs -10".
  auto issues = issues_of(
      "name: big\nbatch: 1\ninputs: [{name: x, shape: [9223372036854775807]}]\n"
      "layers:\n  - {name: fc, type: linear, out_features: 4}\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].where.line == 3);
  CHECK(issues[0].field == "inputs[0].shape");
  CHECK_THAT(issues[0].rule, Catch::Contains("exceeds") && Catch::Contains("2^56"));
  // Each dimension fits, their product with the batch does not.
  issues = issues_of(
      "name: big\nbatch: 65536\ninputs: [{name: x, shape: [65536, 65536, 65536]}]\n"
      "layers:\n  - {name: r, type: relu}\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].field == "inputs[0].shape");
  // A layer whose weight or MAC count overflows names the layer.
  issues = issues_of(
      "name: big\nbatch: 1\ninputs: [{name: x, shape: [1048576]}]\n"
      "layers:\n  - {name: fc, type: linear, out_features: 1099511627776}\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].where.line == 5);
  CHECK(issues[0].value == "fc");
  CHECK_THAT(issues[0].rule, Catch::Contains("fc.weight") && Catch::Contains("exceeds"));
  // A reshape target whose known sizes overflow.
  issues = issues_of(
      "name: big\nbatch: 1\ninputs: [{name: x, shape: [16]}]\n"
      "layers:\n  - {name: r, type: reshape, shape: [4294967296, 4294967296, -1]}\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].field == "layers[0].shape");
}

TEST_CASE("a key written twice in a workload is an error, not a silent first-wins") {
  auto issues = issues_of(
      "name: w\nbatch: 2\nbatch: 0\ninputs: [{name: x, shape: [4]}]\n"
      "layers:\n  - {name: r, type: relu}\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].where.line == 3);
  CHECK_THAT(issues[0].rule, Catch::Contains("lines 2 and 3"));
}
