#include "core/yaml_scan.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <unordered_map>

#include "core/utf8.hpp"

namespace monet::core {

namespace {

std::string with_commas(size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// One open map or list. A map alternates key and value events; `key_next` says which comes.
struct Frame {
  bool map = false;
  bool key_next = true;
  YAML::anchor_t anchor = YAML::NullAnchor;
  size_t nodes_at_start = 0;                  // expanded node count when it opened
  std::unordered_map<std::string, int> keys;  // scalar key → line
  std::string path;                           // field path, for messages
  std::string pending_key;                    // the key whose value comes next
  size_t index = 0;                           // next list index
};

class Scanner : public YAML::EventHandler {
 public:
  Scanner(std::string name, DuplicateKeys duplicates)
      : name_(std::move(name)), duplicates_(duplicates) {}

  YamlScan result;
  int documents = 0;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents > 1)
      fail(mark, "", "the file holds more than one YAML document ('---'); monet-sim reads one");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, ""); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    for (const auto& f : stack_)
      if (f.anchor == anchor)
        fail(mark, child_path(), "an alias may not refer to a node that contains it");
    auto it = anchor_nodes_.find(anchor);
    add_nodes(mark, it == anchor_nodes_.end() ? 1 : it->second);
    key_or_value(mark, nullptr);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    if (size_t at = invalid_utf8_at(value); at != std::string::npos)
      fail(mark, child_path(),
           "text is not valid UTF-8 (byte " + std::to_string(at) + " of '" +
               escape_invalid_utf8(value.substr(0, 60)) + "')");
    leaf(mark, anchor, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { close(); }

 private:
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& field,
                         const std::string& rule) const {
    throw ConfigError(Location{name_, mark.line + 1}, field, "", rule);
  }

  // The field path of the node the next event describes.
  std::string child_path() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    if (!f.map) return f.path + "[" + std::to_string(f.index) + "]";
    if (f.key_next) return f.path;
    return f.path.empty() ? f.pending_key : f.path + "." + f.pending_key;
  }

  void add_nodes(const YAML::Mark& mark, size_t n) {
    nodes_ += n;
    if (nodes_ > kYamlMaxNodes)
      fail(mark, child_path(),
           "with its aliases expanded the document exceeds " + with_commas(kYamlMaxNodes) +
               " nodes (an alias bomb?)");
  }

  // A scalar (value `text`), null or alias took the next place in the open collection.
  void key_or_value(const YAML::Mark& mark, const std::string* key) {
    if (stack_.empty()) return;
    Frame& f = stack_.back();
    if (!f.map) {
      ++f.index;
      return;
    }
    if (!f.key_next) {
      f.key_next = true;
      return;
    }
    f.key_next = false;
    f.pending_key = key ? *key : std::string("?");
    if (!key) return;  // complex or aliased keys are not compared
    const std::string field = f.path.empty() ? *key : f.path + "." + *key;
    auto [it, fresh] = f.keys.emplace(*key, mark.line + 1);
    if (fresh) return;
    const std::string rule = "duplicate key '" + *key + "': written on lines " +
                             std::to_string(it->second) + " and " + std::to_string(mark.line + 1);
    if (duplicates_ == DuplicateKeys::kError) fail(mark, field, rule + " of one map; remove one");
    result.duplicate_warnings.push_back(
        {Location{name_, mark.line + 1}, field, "", rule + "; the later value is used"});
    it->second = mark.line + 1;
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string& text) {
    add_nodes(mark, 1);
    if (anchor != YAML::NullAnchor) anchor_nodes_[anchor] = 1;
    key_or_value(mark, &text);
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool map) {
    if (static_cast<int>(stack_.size()) >= kYamlMaxDepth)
      fail(mark, child_path(),
           "nested deeper than " + std::to_string(kYamlMaxDepth) + " levels of maps and lists");
    std::string path = child_path();
    add_nodes(mark, 1);
    Frame f;
    f.map = map;
    f.anchor = anchor;
    f.nodes_at_start = nodes_ - 1;
    f.path = std::move(path);
    f.pending_key.clear();
    marks_.push_back(mark);
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    YAML::Mark mark = marks_.back();
    marks_.pop_back();
    if (f.anchor != YAML::NullAnchor) anchor_nodes_[f.anchor] = nodes_ - f.nodes_at_start;
    key_or_value(mark, nullptr);
  }

  std::string name_;
  DuplicateKeys duplicates_;
  std::vector<Frame> stack_;
  std::vector<YAML::Mark> marks_;
  std::unordered_map<YAML::anchor_t, size_t> anchor_nodes_;
  size_t nodes_ = 0;
};

}  // namespace

YamlScan scan_yaml(const std::string& text, const std::string& name, DuplicateKeys duplicates) {
  if (text.size() > kYamlMaxBytes)
    throw ConfigError(
        Location{name, 0}, "", "",
        "larger than " + std::to_string(kYamlMaxBytes >> 20) + " MiB; not a configuration file");
  std::istringstream in(text);
  Scanner scanner(name, duplicates);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(scanner)) {
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(Location{name, e.mark.line + 1}, "", "", "YAML syntax error: " + e.msg);
  }
  return std::move(scanner.result);
}

}  // namespace monet::core
