// Where configs (accelerator presets, workloads, experiments) are found at run time: never a
// source path compiled into the binary, so an installed or copied build finds its own files.
#pragma once

#include <string>
#include <vector>

namespace monet::core {

// The configs folder shipped with the running binary: the nearest `share/monet-sim/configs`
// found in the folder holding the executable or shared module that contains this code, or in
// one of its four parent folders. `cmake --install` puts the configs at
// <prefix>/share/monet-sim/configs (the binary in <prefix>/bin, the Python package below
// <prefix>/lib), and the build tree links build/share/monet-sim/configs to the sources'
// configs/. Empty when no such folder exists.
std::string shipped_config_dir();

// The config search path, in order: each folder of $MONET_CONFIG_PATH (separated by ':';
// empty entries skipped), then shipped_config_dir(). A preset name resolves to the first
// <folder>/accelerators/<name>.yaml that exists. Throws core::Error when an entry of
// $MONET_CONFIG_PATH is not a folder, or when $MONET_CONFIG_DIR (the old, single-folder
// variable) is set, rather than silently ignoring it.
std::vector<std::string> config_path();

// The configs folder examples and notebooks read workloads and experiments from: the shipped
// one, else the first folder of $MONET_CONFIG_PATH. Throws core::Error (naming the folders
// searched) when there is none.
std::string config_dir();

}  // namespace monet::core
