#include "core/output_set.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/json_text.hpp"

namespace monet::core {

namespace fs = std::filesystem;

namespace {

std::atomic<unsigned> g_counter{0};  // distinguishes sets of one process (Python: several)

[[noreturn]] void fail(const std::string& dir, const std::string& rule) {
  throw ConfigError(Location{dir, 0}, "", "", rule);
}

fs::path normalised(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (ec) fail(dir, "not a usable output folder: " + ec.message());
  if (p.filename().empty()) p = p.parent_path();  // "out/" → "out"
  return p;
}

}  // namespace

void check_output_folder(const std::string& dir) {
  const fs::path p = normalised(dir);
  std::error_code ec;
  if (p == p.root_path()) fail(dir, "the root folder cannot be an output folder");
  if (p == fs::current_path(ec))
    fail(dir,
         "outputs replace their folder as a whole; name a subfolder, not the working directory");
  auto st = fs::symlink_status(p, ec);
  if (ec || st.type() == fs::file_type::not_found) return;
  if (!fs::is_directory(p, ec)) fail(dir, "exists and is not a folder");
  if (fs::exists(p / OutputSet::kMarker, ec)) return;
  for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
    fail(dir, "holds files monet-sim did not write (e.g. '" + it->path().filename().string() +
                  "'); outputs replace the whole folder, so name a new or empty folder");
  if (ec) fail(dir, "cannot read the folder: " + ec.message());
}

void claim_output_folder(const std::string& dir, const std::string& kind) {
  check_output_folder(dir);
  const fs::path p = normalised(dir);
  std::error_code ec;
  fs::create_directories(p, ec);
  if (ec) fail(dir, "cannot create the folder: " + ec.message());
  if (fs::exists(p / OutputSet::kMarker, ec)) return;
  const nlohmann::json marker = {
      {"schema", "monet.outputs/1"}, {"kind", kind}, {"files", nlohmann::json::array()}};
  write_file_atomic((p / OutputSet::kMarker).string(), json_text(marker, 2) + "\n");
}

OutputSet::OutputSet(std::string dir, std::string kind) : kind_(std::move(kind)) {
  check_output_folder(dir);
  const fs::path p = normalised(dir);
  dir_ = p.string();
  const fs::path parent = p.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) fail(parent.string(), "cannot create the folder: " + ec.message());
  const std::string base = "." + p.filename().string();
  remove_stale_temporaries(parent.string(), base + ".staging.");
  remove_stale_temporaries(parent.string(), base + ".old.");
  const std::string tag = std::to_string(::getpid()) + "." + std::to_string(g_counter++);
  staging_ = (parent / (base + ".staging." + tag)).string();
  fs::remove_all(staging_, ec);
  fs::create_directory(staging_, ec);
  if (ec) fail(staging_, "cannot create the staging folder: " + ec.message());
}

OutputSet::~OutputSet() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void OutputSet::write(const std::string& relative, const std::string& content) {
  const fs::path target = fs::path(staging_) / relative;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) fail(target.parent_path().string(), "cannot create the folder: " + ec.message());
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  if (!out) fail(target.string(), std::string("cannot write: ") + std::strerror(errno));
  out << content;
  out.flush();
  if (!out) fail(target.string(), "writing failed (disk full?)");
  files_.push_back(relative);
}

void OutputSet::commit() {
  if (committed_) return;
  const nlohmann::json marker = {{"schema", "monet.outputs/1"}, {"kind", kind_}, {"files", files_}};
  write(kMarker, json_text(marker, 2) + "\n");
  files_.pop_back();
  // First time: a plain rename. It fails when the folder exists (or a concurrent set put
  // one there meanwhile); then the two folders trade places in one step.
  if (::rename(staging_.c_str(), dir_.c_str()) == 0) {
    committed_ = true;
    return;
  }
  if (errno != EEXIST && errno != ENOTEMPTY && errno != EISDIR)
    fail(dir_, std::string("cannot move the outputs into place: ") + std::strerror(errno));
  check_output_folder(dir_);
  if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, dir_.c_str(), RENAME_EXCHANGE) == 0) {
    committed_ = true;
    std::error_code ignored;
    fs::remove_all(staging_, ignored);  // now the previous set
    return;
  }
  if (errno != EINVAL && errno != ENOSYS)
    fail(dir_, std::string("cannot swap the outputs into place: ") + std::strerror(errno));
  // No atomic exchange on this file system: two renames. A kill between them leaves the
  // previous set under .<name>.old.<pid>.*, removed by the next set written here.
  const fs::path p(dir_);
  const std::string old =
      (p.parent_path() / ("." + p.filename().string() + ".old." + std::to_string(::getpid()) + "." +
                          std::to_string(g_counter++)))
          .string();
  if (::rename(dir_.c_str(), old.c_str()) != 0)
    fail(dir_, std::string("cannot move the previous outputs aside: ") + std::strerror(errno));
  if (::rename(staging_.c_str(), dir_.c_str()) != 0) {
    const int err = errno;
    ::rename(old.c_str(), dir_.c_str());
    fail(dir_, std::string("cannot move the outputs into place: ") + std::strerror(err));
  }
  committed_ = true;
  std::error_code ignored;
  fs::remove_all(old, ignored);
}

}  // namespace monet::core
