// A folder of output files that changes as a whole: the files are written into a staging
// folder beside it and swapped into place in one rename, so a reader, a concurrent run or a
// SIGKILL at any moment sees the previous complete set or the new one, never a mix.
#pragma once

#include <string>
#include <vector>

namespace monet::core {

class OutputSet {
 public:
  // Name of the marker file every output folder holds: it says monet-sim wrote the folder,
  // so replacing the folder as a whole loses nothing of the user's.
  static constexpr const char* kMarker = ".monet-outputs.json";

  // `kind` ("run", "search") goes into the marker. Throws ConfigError naming `dir` when it
  // exists and is neither empty nor a monet-sim output folder (no marker), or is the working
  // directory; removes staging folders that dead processes left beside it.
  OutputSet(std::string dir, std::string kind);
  ~OutputSet();  // an uncommitted set is removed
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  // The final folder, and where files go until commit().
  const std::string& dir() const { return dir_; }
  const std::string& staging() const { return staging_; }
  // Writes `relative` (may contain '/') inside the staging folder.
  void write(const std::string& relative, const std::string& content);
  // Puts the staging folder in place of dir() atomically (renameat2 RENAME_EXCHANGE where the
  // file system has it) and deletes the previous set.
  void commit();

 private:
  std::string dir_;
  std::string kind_;
  std::string staging_;
  std::vector<std::string> files_;
  bool committed_ = false;
};

// Checks that `dir` may be replaced as a whole (see OutputSet) without creating anything.
void check_output_folder(const std::string& dir);
// The same check, then creates `dir` with the marker when it is missing or has none: for
// files written into the live folder before the set (a search checkpoint), so a folder a
// killed process left behind is still recognised as monet-sim's.
void claim_output_folder(const std::string& dir, const std::string& kind);

}  // namespace monet::core
