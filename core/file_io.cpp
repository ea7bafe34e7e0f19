#include "core/file_io.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace monet::core {

namespace {
bool process_alive(long pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH);
}
}  // namespace

void remove_stale_temporaries(const std::string& folder, const std::string& prefix) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    char* stop = nullptr;
    const long pid = std::strtol(name.c_str() + prefix.size(), &stop, 10);
    if (stop == name.c_str() + prefix.size() || process_alive(pid)) continue;
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);
  }
}

void write_file_atomic(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  remove_stale_temporaries(target.has_parent_path() ? target.parent_path().string() : ".",
                           target.filename().string() + ".tmp.");
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write '" + tmp + "'");
    out << content;
    out.flush();
    if (!out) throw Error("writing '" + tmp + "' failed (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw Error("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
  }
}

std::string read_file(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  // ConfigError: the message reads "PATH: rule", like every other input error.
  auto fail = [&](const std::string& rule) { throw ConfigError(Location{path, 0}, "", "", rule); };
  if (std::filesystem::is_directory(path, ec)) fail("is a folder, not a file");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(std::string("cannot open: ") + std::strerror(errno ? errno : ENOENT));
  std::string out;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    out.append(buf, static_cast<size_t>(in.gcount()));
    if (out.size() > max_bytes)
      fail("larger than " + std::to_string(max_bytes >> 20) + " MiB; not an input monet-sim reads");
  }
  if (in.bad()) fail(std::string("reading failed: ") + std::strerror(errno ? errno : EIO));
  return out;
}

}  // namespace monet::core
