#pragma once
// The files of a tariff set, for the layers above the tariff layer: which
// files a list of paths names, which of them are base layers (extended by
// another), and where a version's validity keys are written. `yibao check`
// uses them to check files one by one; `load_tariff_set`
// (include/yibao/tariff_set.hpp) to load the versions of one place.
#include <set>
#include <string>
#include <vector>

#include "yibao/error.hpp"
#include "yibao/tariff.hpp"
#include "yibao/tariff_set.hpp"

namespace yibao {

/// The files named by `paths`: a directory stands for every *.toml directly
/// in it, sorted by name; a file stands for itself. A path that does not
/// exist, or a directory that cannot be read, adds an error without a
/// position to `errors` ("cannot read tariff PATH", "cannot read directory PATH").
[[nodiscard]] auto expand_tariff_paths(const std::vector<std::string>& paths, std::vector<diagnostic>& errors)
    -> std::vector<std::string>;

/// Where `t`'s valid_from and valid_to are written: looked up in the text of
/// its file, then of the files it extends (nearest first), as a loaded tariff
/// records only the [tariff] table's position; that position is the fallback.
[[nodiscard]] auto window_origin_of(const tariff& t) -> window_origin;

/// `path` lexically normalized ("./a/../b.toml" -> "b.toml"), as in `extends` chains.
[[nodiscard]] auto normal_path(const std::string& path) -> std::string;

/// Every file some tariff of `tariffs` extends (normalized paths): such a
/// file is a base layer, checked through the tariffs built on it, not a version.
[[nodiscard]] auto base_files(const std::vector<const tariff*>& tariffs) -> std::set<std::string>;

}  // namespace yibao
