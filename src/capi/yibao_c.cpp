// The C API (include/yibao/yibao.h): status and messages, version, tariff and
// catalog handles, settlement from JSON and from C structs, result access.
// Conventions: docs/c-api.md. Every entry point runs inside guarded(), so no
// exception crosses the boundary.

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

#include "capi_internal.hpp"
#include "yibao/engine.hpp"
#include "yibao/fields.hpp"
#include "yibao/version.hpp"

namespace yibao::capi {
namespace {

// The last error of this thread (libgit2's giterr_last). `fixed` is used when
// the text cannot be stored (out of memory).
struct last_error {
  std::string text;
  const char* fixed = nullptr;
};
thread_local last_error tls_error;

}  // namespace

auto fail(yibao_status code, std::string_view message) noexcept -> yibao_status {
  try {
    tls_error.fixed = nullptr;
    tls_error.text.clear();
    if (code == YIBAO_EINTERNAL) tls_error.text = "internal error: ";
    tls_error.text.append(message);
  } catch (...) {
    tls_error.fixed = code == YIBAO_ENOMEM ? "out of memory" : "error (the message could not be stored)";
  }
  return code;
}

void clear_error() noexcept {
  tls_error.fixed = nullptr;
  tls_error.text.clear();  // keeps the capacity: no allocation on the hot path
}

auto status_of(errc code) noexcept -> yibao_status {
  switch (code) {
    case errc::ok: return YIBAO_OK;
    case errc::invalid_argument: return YIBAO_EINVAL;
    case errc::failed_precondition: return YIBAO_EPRECONDITION;
    case errc::out_of_range: return YIBAO_ERANGE;
    case errc::not_found: return YIBAO_ENOTFOUND;
    case errc::io_error: return YIBAO_EIO;
    case errc::internal: return YIBAO_EINTERNAL;
    case errc::out_of_memory: return YIBAO_ENOMEM;
  }
  return YIBAO_EINTERNAL;
}

auto check_struct_version(unsigned version, unsigned current, std::string_view macro, std::string_view path)
    -> std::optional<error> {
  if (version >= 1 && version <= current) return std::nullopt;
  return make_error(errc::invalid_argument, std::string(path),
                    version == 0 ? "must be between 1 and " + std::string(macro) + " (" + std::to_string(current) +
                                       "), found 0"
                                 : std::to_string(version) + " is newer than this library's " + std::string(macro) +
                                       " (" + std::to_string(current) + ")");
}

auto fail(const error& e) noexcept -> yibao_status {
  const yibao_status code = status_of(e.code);
  if (e.diagnostics.empty()) return fail(code, e.message);
  try {
    std::string all;
    for (const diagnostic& d : e.diagnostics) {
      if (!all.empty()) all += '\n';
      // One about the paths themselves (load_tariff_set: "cannot read tariff
      // PATH") has no file to put first: its message, as the error's own.
      all += d.where.file.empty() ? d.message : d.to_string();
    }
    return fail(code, all);
  } catch (...) {
    return fail(code, e.message);
  }
}

namespace {
/// Only regular files: a request naming a FIFO or a terminal must not block
/// the caller (tariff paths can come from yibao_business_handle). The size
/// limit of the kind bounds the rest (/dev/zero is not a regular file).
auto irregular(const std::string& path, input_kind kind) -> std::optional<error> {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_directory(path, ec) &&
      !std::filesystem::is_regular_file(path, ec)) {
    return make_error(errc::io_error, "",
                      "cannot read " + std::string(to_string(kind)) + " " + path + ": not a regular file");
  }
  return std::nullopt;
}
}  // namespace

auto read_file(const std::string& path, input_kind kind) -> result<std::string> {
  if (auto e = irregular(path, kind)) return std::move(*e);
  return read_input_file(path, kind);
}

auto load_tariff_file(const std::string& path) -> result<std::shared_ptr<const tariff>> {
  auto text = read_file(path, input_kind::tariff);
  if (!text) return std::move(text).err();
  tariff_source source = file_tariff_source();
  source.read = [read = std::move(source.read)](const std::string& p) -> result<std::string> {
    if (auto e = irregular(p, input_kind::tariff)) {
      return make_error(errc::io_error, "", "expected a readable tariff file, found one that is not: " + e->message);
    }
    return read(p);
  };
  auto t = parse_tariff_from(text.value(), path, source);
  if (!t) return std::move(t).err();
  return std::shared_ptr<const tariff>(std::make_shared<tariff>(std::move(t).value()));
}

auto load_tariff_set(const std::vector<std::string>& paths) -> result<std::shared_ptr<const tariff_set>> {
  for (const std::string& p : paths) {
    if (auto e = irregular(p, input_kind::tariff)) return std::move(*e);
  }
  auto set = yibao::load_tariff_set(paths);
  if (!set) return std::move(set).err();
  return std::shared_ptr<const tariff_set>(std::make_shared<tariff_set>(std::move(set).value()));
}

auto tariff_ref::settle(const catalog& c, const bill& b, const settle_options& opts) const -> result<settlement> {
  if (versions) return yibao::settle(*versions, c, b, opts);
  return yibao::settle(*one, c, b, opts);
}

auto load_catalog_file(const std::string& path) -> result<std::shared_ptr<const catalog>> {
  auto text = read_file(path, input_kind::catalog);
  if (!text) return std::move(text).err();
  auto c = parse_catalog_csv(text.value(), path);
  if (!c) return std::move(c).err();
  return std::shared_ptr<const catalog>(std::make_shared<catalog>(std::move(c).value()));
}

namespace {

auto null_arg(const char* what) noexcept -> yibao_status {
  try {
    return fail(YIBAO_EINVAL, std::string(what) + " is NULL");
  } catch (...) {
    return fail(YIBAO_EINVAL, "NULL argument");
  }
}

/// A NUL-terminated copy into malloc'ed memory (the caller frees it with yibao_free).
auto dup(std::string_view text, char** out, std::size_t* len) -> yibao_status {
  auto* p = static_cast<char*>(std::malloc(text.size() + 1));
  if (p == nullptr) return fail(YIBAO_ENOMEM, "out of memory");
  std::memcpy(p, text.data(), text.size());
  p[text.size()] = '\0';
  *out = p;
  if (len != nullptr) *len = text.size();
  return YIBAO_OK;
}

/// sizeof(yibao_settle_options) of each version, from 1 (yibao.h "Versioned structs").
constexpr std::size_t options_size[] = {sizeof(yibao_settle_options)};
static_assert(std::size(options_size) == YIBAO_SETTLE_OPTIONS_VERSION);

auto settle_options_from(const yibao_settle_options* given, settle_options& out) -> yibao_status {
  if (given == nullptr) return YIBAO_OK;
  if (auto e = check_struct_version(given->version, YIBAO_SETTLE_OPTIONS_VERSION, "YIBAO_SETTLE_OPTIONS_VERSION",
                                    "options.version")) {
    return fail(*e);
  }
  const yibao_settle_options defaults = YIBAO_SETTLE_OPTIONS_INIT;
  const yibao_settle_options upgraded_options = upgraded(given, options_size[given->version - 1], defaults);
  const yibao_settle_options* o = &upgraded_options;
  out.trace = o->trace != 0;
  if (o->as_filing != YIBAO_FILING_NONE) {
    if (o->as_filing < 0 || o->as_filing >= filing_count) {
      return fail(YIBAO_EINVAL, "options.as_filing: must be YIBAO_FILING_NONE or 0.." +
                                    std::to_string(filing_count - 1) + ", found " + std::to_string(o->as_filing));
    }
    out.as_filing = static_cast<filing>(o->as_filing);
  }
  return YIBAO_OK;
}

auto settle_into(const yibao_tariff* t, const yibao_catalog* c, const bill& b, const settle_options& so,
                 yibao_settlement** out) -> yibao_status {
  static const catalog empty_catalog;
  auto s = t->t.settle(c != nullptr ? *c->c : empty_catalog, b, so);
  if (!s) return fail(s.err());
  *out = new yibao_settlement{std::move(s).value()};
  return YIBAO_OK;
}

/// The money fields by national name (settlement) and "ytd.<name>" (totals
/// after), from the one field table (yibao/fields.hpp).
auto find_money(const settlement& s, std::string_view f) noexcept -> const money* {
  if (const settlement_field* e = find_settlement_field(f)) return &(s.*e->member);
  constexpr std::string_view ytd_prefix = "ytd.";
  if (f.substr(0, ytd_prefix.size()) == ytd_prefix) {
    if (const ytd_field* e = find_ytd_field(f.substr(ytd_prefix.size()))) return &(s.ytd_after.*e->member);
  }
  return nullptr;
}

}  // namespace
}  // namespace yibao::capi

using namespace yibao::capi;  // NOLINT(google-build-using-namespace): this file is the C shell

extern "C" {

YIBAO_API const char* YIBAO_CALL yibao_status_name(int status) {
  switch (status) {
    case YIBAO_OK: return "YIBAO_OK";
    case YIBAO_EINVAL: return "YIBAO_EINVAL";
    case YIBAO_ENOTFOUND: return "YIBAO_ENOTFOUND";
    case YIBAO_ERANGE: return "YIBAO_ERANGE";
    case YIBAO_EPRECONDITION: return "YIBAO_EPRECONDITION";
    case YIBAO_EBUFS: return "YIBAO_EBUFS";
    case YIBAO_ENOMEM: return "YIBAO_ENOMEM";
    case YIBAO_EIO: return "YIBAO_EIO";
    case YIBAO_EINTERNAL: return "YIBAO_EINTERNAL";
    default: return "YIBAO_E?";
  }
}

YIBAO_API const char* YIBAO_CALL yibao_last_error(void) {
  const auto& e = tls_error;
  return e.fixed != nullptr ? e.fixed : e.text.c_str();
}

YIBAO_API void YIBAO_CALL yibao_free(void* p) { std::free(p); }

YIBAO_API const char* YIBAO_CALL yibao_version(void) { return yibao::version(); }

YIBAO_API int YIBAO_CALL yibao_version_number(void) {
  static_assert(YIBAO_VERSION_NUMBER ==
                YIBAO_VERSION_MAJOR * 1000000 + YIBAO_VERSION_MINOR * 1000 + YIBAO_VERSION_PATCH);
  return YIBAO_VERSION_NUMBER;
}

YIBAO_API yibao_status YIBAO_CALL yibao_tariff_load_text(const char* text, size_t len, const char* name,
                                                         yibao_read_fn read, void* user, yibao_tariff** out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    *out = nullptr;
    if (text == nullptr && len != 0) return null_arg("text");
    if (name == nullptr) return null_arg("name");
    yibao::file_reader reader = [read, user](const std::string& path) -> std::optional<std::string> {
      if (read == nullptr) return std::nullopt;
      const char* data = nullptr;
      std::size_t n = 0;
      if (read(user, path.c_str(), &data, &n) != 0 || (data == nullptr && n != 0)) return std::nullopt;
      return std::string(data != nullptr ? data : "", n);
    };
    auto t = yibao::parse_tariff(std::string_view(text != nullptr ? text : "", len), name, reader);
    if (!t) return fail(t.err());
    *out = new yibao_tariff{{std::make_shared<const yibao::tariff>(std::move(t).value()), nullptr}};
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_tariff_load_file(const char* path, yibao_tariff** out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    *out = nullptr;
    if (path == nullptr) return null_arg("path");
    auto t = load_tariff_file(path);
    if (!t) return fail(t.err());
    *out = new yibao_tariff{{std::move(t).value(), nullptr}};
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_tariff_load_set(const char* const* paths, size_t count, yibao_tariff** out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    *out = nullptr;
    if (paths == nullptr) return null_arg("paths");
    if (count == 0) return fail(YIBAO_EINVAL, "count is 0; expected at least one tariff file or directory");
    std::vector<std::string> names;
    for (size_t i = 0; i < count; ++i) {
      if (paths[i] == nullptr) return fail(YIBAO_EINVAL, "paths[" + std::to_string(i) + "] is NULL");
      names.emplace_back(paths[i]);
    }
    auto set = load_tariff_set(names);
    if (!set) return fail(set.err());
    *out = new yibao_tariff{{nullptr, std::move(set).value()}};
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_tariff_id(const yibao_tariff* t, char** out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    *out = nullptr;
    if (t == nullptr) return null_arg("tariff");
    if (!t->t.versions) return dup(t->t.one->info.id, out, nullptr);
    std::string ids;  // of every version, oldest first, one per line
    for (const yibao::tariff& v : t->t.versions->versions()) {
      if (&v != &t->t.versions->versions().front()) ids += '\n';
      ids += v.info.id;
    }
    return dup(ids, out, nullptr);
  });
}

YIBAO_API void YIBAO_CALL yibao_tariff_free(yibao_tariff* t) { delete t; }

YIBAO_API yibao_status YIBAO_CALL yibao_catalog_load_csv(const char* text, size_t len, const char* name,
                                                         yibao_catalog** out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    *out = nullptr;
    if (text == nullptr && len != 0) return null_arg("text");
    if (name == nullptr) return null_arg("name");
    auto c = yibao::parse_catalog_csv(std::string_view(text != nullptr ? text : "", len), name);
    if (!c) return fail(c.err());
    *out = new yibao_catalog{std::make_shared<const yibao::catalog>(std::move(c).value())};
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_catalog_load_file(const char* path, yibao_catalog** out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    *out = nullptr;
    if (path == nullptr) return null_arg("path");
    auto c = load_catalog_file(path);
    if (!c) return fail(c.err());
    *out = new yibao_catalog{std::move(c).value()};
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_catalog_size(const yibao_catalog* c, size_t* out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    if (c == nullptr) return null_arg("catalog");
    *out = c->c->size();
    return YIBAO_OK;
  });
}

YIBAO_API void YIBAO_CALL yibao_catalog_free(yibao_catalog* c) { delete c; }

YIBAO_API yibao_status YIBAO_CALL yibao_bill_init_version(yibao_bill_c* bill, unsigned int version) {
  return guarded([&]() -> yibao_status {
    if (bill == nullptr) return null_arg("bill");
    if (version == 0 || version > YIBAO_BILL_VERSION) {
      return fail(YIBAO_EINVAL, "version: must be between 1 and YIBAO_BILL_VERSION (" +
                                    std::to_string(YIBAO_BILL_VERSION) + "), found " + std::to_string(version));
    }
    yibao_bill_c defaults;
    std::memset(&defaults, 0, sizeof defaults);
    defaults.version = version;
    defaults.visit.level = 3;
    defaults.visit.filing = YIBAO_FILING_NONE;
    defaults.visit.admission = 1;
    defaults.visit.transfer_from_level = YIBAO_ABSENT;
    // Only the caller's layout: an older struct is smaller.
    std::memcpy(bill, &defaults, bill_struct_size(version));
    return YIBAO_OK;
  });
}

// The version-1 entry point: yibao.h makes yibao_bill_init a macro for
// yibao_bill_init_version with the header's version, so that only a program
// built against version 1 calls this function.
#undef yibao_bill_init
YIBAO_API yibao_status YIBAO_CALL yibao_bill_init(yibao_bill_c* bill) { return yibao_bill_init_version(bill, 1); }

YIBAO_API yibao_status YIBAO_CALL yibao_line_init(yibao_line_c* line) {
  return guarded([&]() -> yibao_status {
    if (line == nullptr) return null_arg("line");
    std::memset(line, 0, sizeof *line);
    line->item_class = YIBAO_CLASS_NONE;
    line->selfpay_ratio_ppm = YIBAO_ABSENT;
    line->price_limit_micro = YIBAO_ABSENT;
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_settle_json(const yibao_tariff* t, const yibao_catalog* c,
                                                    const char* bill_json, size_t len,
                                                    const yibao_settle_options* opts, yibao_settlement** out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    *out = nullptr;
    if (t == nullptr) return null_arg("tariff");
    if (bill_json == nullptr) return null_arg("bill_json");
    yibao::settle_options so;
    if (const yibao_status st = settle_options_from(opts, so); st != YIBAO_OK) return st;
    auto b = yibao::parse_bill_json(std::string_view(bill_json, len));
    if (!b) return fail(b.err());
    return settle_into(t, c, b.value(), so, out);
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_settle_bill(const yibao_tariff* t, const yibao_catalog* c,
                                                    const yibao_bill_c* bill, const yibao_settle_options* opts,
                                                    yibao_settlement** out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    *out = nullptr;
    if (t == nullptr) return null_arg("tariff");
    if (bill == nullptr) return null_arg("bill");
    yibao::settle_options so;
    if (const yibao_status st = settle_options_from(opts, so); st != YIBAO_OK) return st;
    auto b = bill_from_c(*bill);
    if (!b) return fail(b.err());
    return settle_into(t, c, b.value(), so, out);
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_settlement_get_fen(const yibao_settlement* s, const char* field,
                                                           int64_t* out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    if (s == nullptr) return null_arg("settlement");
    if (field == nullptr) return null_arg("field");
    const yibao::money* m = find_money(s->s, field);
    if (m == nullptr) return fail(YIBAO_ENOTFOUND, std::string("unknown money field \"") + field + "\"");
    *out = m->fen();
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_settlement_get_bool(const yibao_settlement* s, const char* field,
                                                            int* out) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    if (s == nullptr) return null_arg("settlement");
    if (field == nullptr) return null_arg("field");
    const std::string_view f{field};
    if (f == "eligible") {
      *out = s->s.eligible ? 1 : 0;
    } else if (f == "direct") {
      *out = s->s.direct ? 1 : 0;
    } else {
      return fail(YIBAO_ENOTFOUND, std::string("unknown flag \"") + field + "\"; expected eligible or direct");
    }
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_settlement_json(const yibao_settlement* s, char** out, size_t* len) {
  return guarded([&]() -> yibao_status {
    if (out == nullptr) return null_arg("out");
    *out = nullptr;
    if (s == nullptr) return null_arg("settlement");
    return dup(yibao::to_json(s->s), out, len);
  });
}

YIBAO_API void YIBAO_CALL yibao_settlement_free(yibao_settlement* s) { delete s; }

}  // extern "C"
