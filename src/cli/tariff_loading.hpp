#pragma once
// Loading several tariff files at once: versions of one place (a tariff set)
// and the files `yibao check` validates. Diagnostics go to stderr.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "yibao/tariff.hpp"
#include "yibao/tariff_set.hpp"

namespace yibao::cli {

/// The files named by `paths`: a directory stands for every *.toml directly
/// in it, sorted by name; a file stands for itself. Sets `code` to
/// exit_no_input (and prints why) if a path does not exist.
[[nodiscard]] auto expand_tariff_paths(const std::vector<std::string>& paths, int& code) -> std::vector<std::string>;

/// Where `t`'s valid_from and valid_to are written: looked up in the text of
/// its file, then of the files it extends (nearest first), as a loaded tariff
/// records only the [tariff] table's position; that position is the fallback.
[[nodiscard]] auto window_origin_of(const tariff& t) -> window_origin;

/// `path` lexically normalized ("./a/../b.toml" -> "b.toml"), as in `extends` chains.
[[nodiscard]] auto normal_path(const std::string& path) -> std::string;

/// Every file some tariff of `tariffs` extends (normalized paths): such a
/// file is a base layer, checked through the tariffs built on it, not a version.
[[nodiscard]] auto base_files(const std::vector<const tariff*>& tariffs) -> std::set<std::string>;

/// Loads the versions of one place: each file of `expand_tariff_paths(paths)`
/// that no other of them extends. Prints every load diagnostic and the window
/// errors (overlaps, other places) to stderr, warnings (gaps, loader
/// warnings) too if `print_warnings`. Returns nullopt and sets `code`
/// (exit_no_input, exit_config) on failure, or when no version was found.
[[nodiscard]] auto load_tariff_set(const std::vector<std::string>& paths, int& code, bool print_warnings = false)
    -> std::optional<tariff_set>;

}  // namespace yibao::cli
