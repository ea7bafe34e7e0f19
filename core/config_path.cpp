#include "core/config_path.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "core/error.hpp"

namespace monet::core {

namespace fs = std::filesystem;

namespace {

// The file of the executable or shared module (the Python extension) this code is linked
// into. dladdr names a shared module by the path it was loaded from, but the main program
// only by its argv[0], so the program itself comes from /proc/self/exe.
fs::path binary_file() {
  std::error_code ec;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&shipped_config_dir), &info) != 0 && info.dli_fname &&
      fs::path(info.dli_fname).filename().string().find(".so") != std::string::npos) {
    fs::path p = fs::weakly_canonical(info.dli_fname, ec);
    if (!ec) return p;
  }
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

}  // namespace

std::string shipped_config_dir() {
  fs::path dir = binary_file().parent_path();
  std::error_code ec;
  for (int up = 0; up <= 4 && !dir.empty(); ++up) {
    fs::path candidate = dir / "share" / "monet-sim" / "configs";
    if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
    if (dir == dir.root_path()) break;
    dir = dir.parent_path();
  }
  return "";
}

std::vector<std::string> config_path() {
  if (const char* old = std::getenv("MONET_CONFIG_DIR"); old && *old)
    throw Error(std::string("MONET_CONFIG_DIR='") + old +
                "' is no longer read: put the folder in MONET_CONFIG_PATH (folders separated "
                "by ':') instead");
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("MONET_CONFIG_PATH"); env && *env) {
    std::string all = env;
    size_t start = 0;
    while (start <= all.size()) {
      size_t end = all.find(':', start);
      if (end == std::string::npos) end = all.size();
      std::string entry = all.substr(start, end - start);
      if (!entry.empty()) {
        if (!fs::is_directory(entry))
          throw Error("MONET_CONFIG_PATH entry '" + entry + "' is not a folder");
        dirs.push_back(entry);
      }
      start = end + 1;
    }
  }
  if (std::string shipped = shipped_config_dir(); !shipped.empty()) dirs.push_back(shipped);
  return dirs;
}

std::string config_dir() {
  if (std::string shipped = shipped_config_dir(); !shipped.empty()) return shipped;
  std::vector<std::string> dirs = config_path();
  if (!dirs.empty()) return dirs.front();
  throw Error("cannot find the configs folder: no share/monet-sim/configs beside '" +
              binary_file().string() + "' (or up to four folders above it), and " +
              "MONET_CONFIG_PATH is not set");
}

}  // namespace monet::core
