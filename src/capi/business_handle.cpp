// yibao_business_handle: JSON in, JSON out, in the shape of the national
// platform's BUSINESS_HANDLE, so that an integrator can point its 2206
// (pre-settlement) call at yibao. docs/c-api.md "business handle" documents
// the envelope. Also the registry of named tariffs and catalogs it uses.

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "capi_internal.hpp"
#include "core/json_writer.hpp"
#include "formats/text.hpp"
#include "yibao/engine.hpp"

namespace yibao::capi {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Named tariffs and catalogs, and the ones loaded from paths (cached by the
// path as written). Readers share the lock; loading happens outside it.
class registry {
 public:
  static auto get() -> registry& {
    static registry r;
    return r;
  }
  void put(const std::string& name, tariff_ref t) {
    const std::unique_lock lock{m_};
    tariffs_[name] = std::move(t);
  }
  void put(const std::string& name, std::shared_ptr<const catalog> c) {
    const std::unique_lock lock{m_};
    catalogs_[name] = std::move(c);
  }
  void clear() {
    const std::unique_lock lock{m_};
    tariffs_.clear();
    catalogs_.clear();
  }
  auto tariff_for(const std::string& ref) -> result<tariff_ref> {
    return lookup(tariffs_, ref, [](const std::string& path) -> result<tariff_ref> {
      auto t = load_tariff_file(path);
      if (!t) return std::move(t).err();
      return tariff_ref{std::move(t).value(), nullptr};
    });
  }
  auto catalog_for(const std::string& ref) -> result<std::shared_ptr<const catalog>> {
    return lookup(catalogs_, ref, load_catalog_file);
  }

 private:
  template <typename T, typename Load>
  auto lookup(std::unordered_map<std::string, T>& map, const std::string& ref, Load load) -> result<T> {
    {
      const std::shared_lock lock{m_};
      if (auto it = map.find(ref); it != map.end()) return it->second;
    }
    auto loaded = load(ref);
    if (!loaded) {
      error e = std::move(loaded).err();
      if (e.code == errc::io_error) e.message += " (nor is anything registered under this name)";
      return e;
    }
    const std::unique_lock lock{m_};
    return map.try_emplace(ref, std::move(loaded).value()).first->second;  // first loader wins
  }

  std::shared_mutex m_;
  std::unordered_map<std::string, tariff_ref> tariffs_;  // one tariff, or a set (yibao_tariff_load_set)
  std::unordered_map<std::string, std::shared_ptr<const catalog>> catalogs_;
};

struct request {
  std::string msgid;
  std::string tariff_ref;
  std::string catalog_ref;
  settle_options options;
  std::string bill_json;
};

auto type_name(element_type t) -> const char* {
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
    default: return "a number";
  }
}

auto bad(const std::string& path, const std::string& what) -> error {
  return make_error(errc::invalid_argument, path, what);
}

auto want_string(element v, const std::string& path, std::string& out) -> std::optional<error> {
  if (v.type() != element_type::STRING) return bad(path, std::string("expected a string, found ") + type_name(v.type()));
  out = std::string(std::string_view(v));
  return std::nullopt;
}

auto read_options(element v, settle_options& out) -> std::optional<error> {
  if (v.type() != element_type::OBJECT) {
    return bad("input.options", std::string("expected an object, found ") + type_name(v.type()));
  }
  for (const auto field : simdjson::dom::object(v)) {
    const std::string key{field.key};
    if (key == "trace") {
      if (field.value.type() != element_type::BOOL) {
        return bad("input.options.trace", std::string("expected a boolean, found ") + type_name(field.value.type()));
      }
      out.trace = bool(field.value);
    } else if (key == "as_filing") {
      std::string text;
      if (auto e = want_string(field.value, "input.options.as_filing", text)) return e;
      const auto f = parse_filing(text);
      if (!f) return bad("input.options.as_filing", "unknown filing " + io::quoted(text));
      out.as_filing = *f;
    } else {
      return bad("input.options", "unknown key " + io::quoted(key) + "; expected trace or as_filing");
    }
  }
  return std::nullopt;
}

auto read_input(element v, request& out) -> std::optional<error> {
  if (v.type() != element_type::OBJECT) return bad("input", std::string("expected an object, found ") + type_name(v.type()));
  bool seen_bill = false;
  bool seen_tariff = false;
  for (const auto field : simdjson::dom::object(v)) {
    const std::string key{field.key};
    if (key == "tariff") {
      if (seen_tariff) return bad("input.tariff", "duplicate key");
      seen_tariff = true;
      if (auto e = want_string(field.value, "input.tariff", out.tariff_ref)) return e;
      if (out.tariff_ref.empty()) return bad("input.tariff", "must not be empty");
    } else if (key == "catalog") {
      if (auto e = want_string(field.value, "input.catalog", out.catalog_ref)) return e;
    } else if (key == "options") {
      if (auto e = read_options(field.value, out.options)) return e;
    } else if (key == "bill") {
      if (seen_bill) return bad("input.bill", "duplicate key");
      seen_bill = true;
      if (field.value.type() != element_type::OBJECT) {
        return bad("input.bill", std::string("expected an object, found ") + type_name(field.value.type()));
      }
      out.bill_json = simdjson::minify(field.value);
    } else {
      return bad("input", "unknown key " + io::quoted(key) + "; expected tariff, catalog, options or bill");
    }
  }
  if (!seen_tariff) return bad("input.tariff", "missing (a registered tariff name or a path)");
  if (!seen_bill) return bad("input.bill", "missing");
  return std::nullopt;
}

/// The first key that appears twice in one object, anywhere in `v`: JSON
/// leaves duplicates undefined and parsers disagree on which one wins, so a
/// request with one is refused rather than read one way here and another
/// way by the integrator's logs.
auto duplicate_key(element v, const std::string& path) -> std::optional<error> {
  if (v.type() == element_type::ARRAY) {
    std::size_t i = 0;
    for (const element item : simdjson::dom::array(v)) {
      if (auto e = duplicate_key(item, path + "[" + std::to_string(i++) + "]")) return e;
    }
  } else if (v.type() == element_type::OBJECT) {
    std::vector<std::string_view> keys;
    for (const auto field : simdjson::dom::object(v)) keys.push_back(field.key);
    std::vector<std::string_view> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    if (auto d = std::adjacent_find(sorted.begin(), sorted.end()); d != sorted.end()) {
      return bad(path.empty() ? std::string(*d) : path + "." + std::string(*d), "duplicate key");
    }
    for (const auto field : simdjson::dom::object(v)) {
      if (auto e = duplicate_key(field.value, path.empty() ? std::string(field.key) : path + "." + std::string(field.key))) {
        return e;
      }
    }
  }
  return std::nullopt;
}

auto parse_request(std::string_view in, request& out) -> std::optional<error> {
  // One parser per thread, reused; a large request gets a parser of its own
  // so that the thread's does not keep a large buffer alive.
  constexpr std::size_t reuse_limit = std::size_t{1} << 20;
  thread_local simdjson::dom::parser reused;
  std::optional<simdjson::dom::parser> own;
  simdjson::dom::parser& parser = in.size() <= reuse_limit ? reused : own.emplace();
  element root;
  if (const auto err = parser.parse(in.data(), in.size(), true).get(root)) {
    return bad("", std::string("malformed request JSON: ") + simdjson::error_message(err));
  }
  if (root.type() != element_type::OBJECT) {
    return bad("", std::string("expected a JSON object, found ") + type_name(root.type()));
  }
  if (auto e = duplicate_key(root, "")) return e;
  bool seen_infno = false;
  bool seen_input = false;
  for (const auto field : simdjson::dom::object(root)) {
    const std::string_view key = field.key;
    if (key == "infno") {
      seen_infno = true;
      std::string infno;
      if (auto e = want_string(field.value, "infno", infno)) return e;
      if (infno != "2206") {
        return bad("infno", "unsupported transaction " + io::quoted(infno) +
                                "; yibao answers 2206 (pre-settlement) only, settlement (2207) stays with the platform");
      }
    } else if (key == "msgid") {
      if (auto e = want_string(field.value, "msgid", out.msgid)) return e;
    } else if (key == "input") {
      if (seen_input) return bad("input", "duplicate key");
      seen_input = true;
      if (auto e = read_input(field.value, out)) return e;
    }  // other envelope keys (opter, fixmedins_code, signtype, ...) are ignored
  }
  if (!seen_infno) return bad("infno", "missing (expected \"2206\")");
  if (!seen_input) return bad("input", "missing");
  return std::nullopt;
}

/// Invalid UTF-8 bytes (from a file name, say) would make the response invalid JSON.
auto utf8_clean(std::string text) -> std::string {
  for (std::size_t at = io::first_invalid_utf8(text); at < text.size(); at = io::first_invalid_utf8(text)) {
    text[at] = '?';
  }
  return text;
}

auto response(yibao_status st, const std::string& msgid, const std::string& message, const settlement* s)
    -> std::string {
  std::string out;
  {
    detail::json_object o{out};
    o.raw("infcode", st == YIBAO_OK ? "0" : "-1");
    o.str("err_msg", utf8_clean(message));
    o.str("yibao_status", yibao_status_name(st));
    o.str("inf_refmsgid", msgid);
    if (s != nullptr) {
      o.raw("output", "{\"setlinfo\":" + to_json(*s) + "}");
    } else {
      o.raw("output", "null");
    }
  }
  return out;
}

auto handle(std::string_view in, std::string& out) -> yibao_status {
  request req;
  std::optional<settlement> done;
  yibao_status st = YIBAO_OK;
  if (auto e = parse_request(in, req)) {
    st = fail(*e);
  } else if (auto b = parse_bill_json(req.bill_json); !b) {
    error e2 = std::move(b).err();
    e2.message = (e2.path.empty() ? "input.bill: " : "input.bill.") + e2.message;
    st = fail(e2);
  } else {
    auto t = registry::get().tariff_for(req.tariff_ref);
    if (!t) {
      st = fail(t.err());
    } else {
      std::shared_ptr<const catalog> c;
      if (!req.catalog_ref.empty()) {
        auto loaded = registry::get().catalog_for(req.catalog_ref);
        if (!loaded) st = fail(loaded.err());
        else c = std::move(loaded).value();
      }
      if (st == YIBAO_OK) {
        static const catalog empty_catalog;
        auto s = t.value().settle(c ? *c : empty_catalog, b.value(), req.options);
        if (!s) st = fail(s.err());
        else done = std::move(s).value();
      }
    }
  }
  out = response(st, req.msgid, yibao_last_error(), done ? &*done : nullptr);
  return st;
}

}  // namespace
}  // namespace yibao::capi

using namespace yibao::capi;  // NOLINT(google-build-using-namespace): this file is the C shell

extern "C" {

YIBAO_API yibao_status YIBAO_CALL yibao_register_tariff(const char* name, const yibao_tariff* t) {
  return guarded([&]() -> yibao_status {
    if (name == nullptr || *name == '\0') return fail(YIBAO_EINVAL, "name is NULL or empty");
    if (t == nullptr) return fail(YIBAO_EINVAL, "tariff is NULL");
    registry::get().put(name, t->t);
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_register_catalog(const char* name, const yibao_catalog* c) {
  return guarded([&]() -> yibao_status {
    if (name == nullptr || *name == '\0') return fail(YIBAO_EINVAL, "name is NULL or empty");
    if (c == nullptr) return fail(YIBAO_EINVAL, "catalog is NULL");
    registry::get().put(name, c->c);
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_registry_clear(void) {
  return guarded([&]() -> yibao_status {
    registry::get().clear();
    return YIBAO_OK;
  });
}

YIBAO_API yibao_status YIBAO_CALL yibao_business_handle(const char* in, size_t in_len, char* out, size_t out_cap,
                                                       size_t* out_len) {
  return guarded([&]() -> yibao_status {
    if (out_len == nullptr) return fail(YIBAO_EINVAL, "out_len is NULL");
    *out_len = 0;
    if (out == nullptr && out_cap != 0) return fail(YIBAO_EINVAL, "out is NULL but out_cap is not 0");
    if (out_cap > 0) out[0] = '\0';
    if (in == nullptr) return fail(YIBAO_EINVAL, "in is NULL");
    std::string text;
    const yibao_status st = handle(std::string_view(in, in_len), text);
    *out_len = text.size();
    if (out_cap <= text.size()) {
      return fail(YIBAO_EBUFS, "output buffer of " + std::to_string(out_cap) + " bytes is too small; " +
                                   std::to_string(text.size() + 1) + " needed (*out_len + 1 for the NUL)");
    }
    std::memcpy(out, text.data(), text.size());
    out[text.size()] = '\0';
    // handle() left the message of `st` as the thread's last error.
    return st;
  });
}

}  // extern "C"
