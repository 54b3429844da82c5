#pragma once
/// \file input.hpp
/// Reading an input file whole, with a size limit per kind of input: a
/// tariff, a catalog or a bill named by a user (or by a request to the C
/// API) may be /dev/zero, a FIFO that never ends or a directory, and none of
/// them may exhaust memory or end in an internal error. The command-line
/// tool, the C API and the Python module all read their inputs through here
/// (README.md "Input size limits").

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "yibao/error.hpp"
#include "yibao/tariff.hpp"

namespace yibao {

/// The kinds of input file, each with its own size limit.
enum class input_kind : std::uint8_t { tariff, catalog, bill };

/// 16 MiB: the largest shipped tariff is a few kilobytes.
inline constexpr std::size_t tariff_size_limit = std::size_t{16} << 20;
/// 256 MiB: a national catalog of every drug and service is tens of megabytes.
inline constexpr std::size_t catalog_size_limit = std::size_t{256} << 20;
/// 256 MiB: one bill file (JSON, `yibao estimate`), room for its 10^6 lines.
inline constexpr std::size_t bill_size_limit = std::size_t{256} << 20;

/// "tariff", "catalog", "bill".
[[nodiscard]] auto to_string(input_kind kind) noexcept -> std::string_view;
/// The size limit of `kind` in bytes.
[[nodiscard]] auto size_limit(input_kind kind) noexcept -> std::size_t;

/// Reads the file at `path` whole. Fails with errc::io_error and the message
/// "cannot read <kind> <path>: <why>" when the file does not exist or cannot
/// be opened, is a directory ("is a directory, expected a file"), or holds
/// more than `size_limit(kind)` bytes ("larger than the limit N bytes").
/// FIFOs and devices are read up to the limit; the file is never written.
[[nodiscard]] auto read_input_file(const std::string& path, input_kind kind) -> result<std::string>;
/// The same with an explicit limit in bytes.
[[nodiscard]] auto read_input_file(const std::string& path, input_kind kind, std::size_t limit)
    -> result<std::string>;
/// Reads an open stream (standard input) whole, named `name` in messages.
[[nodiscard]] auto read_input_stream(std::istream& in, const std::string& name, input_kind kind)
    -> result<std::string>;

/// The files of the file system as seen by parse_tariff_from: each read by
/// read_input_file (tariff limit), identified by its canonical path so that
/// two names of one file load it once and a loop through symbolic links is
/// reported as a cycle.
[[nodiscard]] auto file_tariff_source() -> tariff_source;

/// A tariff file and every file it extends, read from the file system
/// (read_input_file, then parse_tariff_from with file_tariff_source()).
/// errc::io_error if `path` itself cannot be read.
[[nodiscard]] auto load_tariff_file(const std::string& path, std::vector<diagnostic>* warnings = nullptr)
    -> result<tariff>;

}  // namespace yibao
