// The extension module yibao._yibao: tariffs, catalogs, one-bill settlement
// through the JSON contract, and whole-table settlement over columns. The
// pure-Python package in python/yibao/ wraps it (see python/README.md).
//
// Every function that computes drops the GIL (py::gil_scoped_release) so that
// Dask threads and other Python threads run while the engine works; the GIL is
// held only to copy columns in and build arrays out.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frame.hpp"
#include "summary.hpp"
#include "yibao/yibao.hpp"

namespace py = pybind11;
namespace yb = yibao;

namespace {

/// An engine error on its way to Python (translated to a yibao.Error subclass).
struct engine_error {
  yb::error e;
};

/// A file named in `extends`, read by the library's bounded reader
/// (yibao/input.hpp, tariff size limit).
auto read_text_file(const std::string& path) -> std::optional<std::string> {
  auto text = yb::read_input_file(path, yb::input_kind::tariff);
  if (!text) return std::nullopt;
  return std::move(text).value();
}

/// The library's bounded reader: a missing file, a directory or one above the
/// size limit is an errc::io_error (yibao.IoError) saying which.
auto read_or_throw(const std::filesystem::path& path, const char* what) -> std::string {
  const auto kind = std::string_view(what) == "catalog" ? yb::input_kind::catalog : yb::input_kind::tariff;
  auto text = yb::read_input_file(path.string(), kind);
  if (!text) throw engine_error{std::move(text).err()};
  return std::move(text).value();
}

template <typename T>
auto value_or_throw(yb::result<T>&& r) -> T {
  if (!r) throw engine_error{std::move(r).err()};
  return std::move(r).value();
}

/// Raises the matching yibao.errors class with the engine's message, code,
/// field path and diagnostics.
void raise_engine_error(const yb::error& e) {
  py::list diags;
  for (const yb::diagnostic& d : e.diagnostics) {  // one without a file (about a path): just its message
    diags.append(d.where.file.empty() ? d.message : d.to_string());
  }
  const py::object errors = py::module_::import("yibao.errors");
  const py::object cls = errors.attr("error_class")(yb::to_string(e.code));
  const py::object exc = cls(e.message, yb::to_string(e.code), e.path, diags);
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

struct py_tariff {
  std::shared_ptr<const yb::tariff> t;
  std::string text;  // source and name, for pickling (re-parsed on load)
  std::string name;
  /// Every file of the `extends` closure, by the path the loader asked for:
  /// pickled with the tariff, so that unpickling (on another host, say)
  /// rebuilds the identical tariff without touching any file system.
  std::map<std::string, std::string> sources;
  std::vector<std::string> warnings;

  /// Parses `text`; `extends` files are read from disk and recorded.
  static auto parse(std::string text, std::string name) -> py_tariff {
    std::map<std::string, std::string> sources;
    return parse_with(std::move(text), std::move(name), [&sources](const std::string& p) {
      auto t = read_text_file(p);
      if (t) sources.emplace(p, *t);
      return t;
    }, sources);
  }

  /// Parses `text` with its `extends` files served from `sources` only.
  static auto from_sources(std::string text, std::string name, std::map<std::string, std::string> sources)
      -> py_tariff {
    const auto& known = sources;
    return parse_with(std::move(text), std::move(name), [&known](const std::string& p) -> std::optional<std::string> {
      const auto it = known.find(p);
      if (it == known.end()) return std::nullopt;
      return it->second;
    }, sources);
  }

 private:
  template <typename Read>
  static auto parse_with(std::string text, std::string name, Read read, std::map<std::string, std::string>& sources)
      -> py_tariff {
    std::vector<yb::diagnostic> warnings;
    auto loaded = [&] {
      py::gil_scoped_release nogil;
      return yb::parse_tariff(text, name, read, &warnings);
    }();
    py_tariff out{std::make_shared<const yb::tariff>(value_or_throw(std::move(loaded))), std::move(text),
                  std::move(name), std::move(sources), {}};
    for (const yb::diagnostic& w : warnings) out.warnings.push_back(w.to_string());
    return out;
  }
};

/// The versions of one place (yibao::load_tariff_set): each bill is settled
/// under the one in force on its date. Not picklable: a set is loaded from
/// files where it is used (unlike a Tariff, it keeps no copy of its sources).
struct py_tariff_set {
  std::shared_ptr<const yb::tariff_set> s;
  std::vector<std::string> paths;
  std::vector<std::string> warnings;

  static auto load(const std::vector<std::filesystem::path>& paths) -> py_tariff_set {
    py_tariff_set out;
    for (const auto& p : paths) out.paths.push_back(p.string());
    std::vector<yb::diagnostic> warnings;
    auto loaded = [&] {
      py::gil_scoped_release nogil;
      return yb::load_tariff_set(out.paths, &warnings);
    }();
    out.s = std::make_shared<const yb::tariff_set>(value_or_throw(std::move(loaded)));
    for (const yb::diagnostic& w : warnings) out.warnings.push_back(w.to_string());
    return out;
  }
};

struct py_catalog {
  std::shared_ptr<const yb::catalog> c;
  std::string text;
  std::string name;

  static auto parse(std::string text, std::string name) -> py_catalog {
    auto loaded = [&] {
      py::gil_scoped_release nogil;
      return yb::parse_catalog_csv(text, name);
    }();
    return py_catalog{std::make_shared<const yb::catalog>(value_or_throw(std::move(loaded))), std::move(text),
                      std::move(name)};
  }
};

auto empty_catalog() -> const yb::catalog& {
  static const yb::catalog empty;
  return empty;
}

auto catalog_of(const py_catalog* c) -> const yb::catalog& { return c ? *c->c : empty_catalog(); }

auto parse_filing_arg(const std::optional<std::string>& text) -> std::optional<yb::filing> {
  if (!text) return std::nullopt;
  auto f = yb::parse_filing(*text);
  if (!f) {
    throw engine_error{yb::make_error(yb::errc::invalid_argument, "filing",
                                      "unknown value \"" + *text +
                                          "\"; expected one of long_term, temporary, referral, emergency, unfiled")};
  }
  return f;
}

/// What the engine settles under: the tariff, or the set of versions.
auto engine_tariff(const py_tariff& t) -> const yb::tariff& { return *t.t; }
auto engine_tariff(const py_tariff_set& t) -> const yb::tariff_set& { return *t.s; }
auto frame_tariff_of(const py_tariff& t) -> yibao_py::frame_tariff { return {t.t.get(), nullptr}; }
auto frame_tariff_of(const py_tariff_set& t) -> yibao_py::frame_tariff { return {nullptr, t.s.get()}; }

/// One bill as JSON text in, its settlement as JSON text (yibao::to_json) out.
/// `T` is py_tariff or py_tariff_set (the version in force on the bill's date).
template <typename T>
auto settle_json(const T& t, const py_catalog* c, std::string bill_json,
                 const std::optional<std::string>& filing, bool trace) -> std::string {
  const yb::settle_options opts{trace, parse_filing_arg(filing)};
  std::optional<yb::error> failed;
  std::string out;
  {
    py::gil_scoped_release nogil;
    auto b = yb::parse_bill_json(bill_json);
    if (!b) {
      failed = std::move(b).err();
    } else if (auto s = yb::settle(engine_tariff(t), catalog_of(c), b.value(), opts); !s) {
      failed = std::move(s).err();
    } else {
      out = yb::to_json(s.value());
    }
  }
  if (failed) throw engine_error{std::move(*failed)};
  return out;
}

/// Copies a column (a list of str, "" = missing) out of `cols`; absent: empty.
auto column(const py::dict& cols, const char* name, std::size_t rows) -> std::vector<std::string> {
  if (!cols.contains(name)) return {};
  auto v = cols[name].cast<std::vector<std::string>>();
  if (v.size() != rows) {
    throw engine_error{yb::make_error(yb::errc::invalid_argument, name,
                                      "column has " + std::to_string(v.size()) + " rows, expected " +
                                          std::to_string(rows))};
  }
  return v;
}

/// The result columns of each layer's cap left: cap_left_basic, ...
auto cap_left_names() -> std::vector<std::string> {
  std::vector<std::string> out;
  for (int l = 0; l < yb::layer_count; ++l) {
    out.push_back("cap_left_" + std::string(yb::to_string(static_cast<yb::layer_id>(l))));
  }
  return out;
}

template <typename T>
auto to_array(const std::vector<T>& v) -> py::array_t<T> {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

auto to_bool_array(const std::vector<std::uint8_t>& v) -> py::array_t<bool> {
  py::array_t<bool> a(static_cast<py::ssize_t>(v.size()));
  std::transform(v.begin(), v.end(), a.mutable_data(), [](std::uint8_t x) { return x != 0; });
  return a;
}

template <typename S>
auto to_list(const std::vector<S>& v) -> py::list {
  py::list out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    out[i] = py::reinterpret_steal<py::object>(
        PyUnicode_DecodeUTF8(v[i].data(), static_cast<py::ssize_t>(v[i].size()), "replace"));
  }
  return out;
}

/// Settles a whole table given as columns (see frame.hpp); returns columns.
template <typename T>
auto settle_columns(const T& t, const py_catalog* c, std::size_t n_bills, const py::dict& bills,
                    std::size_t n_lines, const py::dict& lines, bool collect_errors, unsigned threads) -> py::dict {
  yibao_py::bill_columns in;
  for (std::size_t k = 0; k < yibao_py::bill_column_count; ++k) {
    in.cols[k] = column(bills, yibao_py::bill_column_names[k], n_bills);
  }
  yibao_py::line_columns ln;
  for (std::size_t k = 0; k < yibao_py::line_column_count; ++k) {
    ln.cols[k] = column(lines, yibao_py::line_column_names[k], n_lines);
  }
  yibao_py::frame_result r;
  std::optional<yb::error> failed;
  {
    py::gil_scoped_release nogil;
    auto settled =
        yibao_py::settle_frame(frame_tariff_of(t), catalog_of(c), n_bills, in, n_lines, ln, collect_errors, threads);
    if (settled) {
      r = std::move(settled).value();
    } else {
      failed = std::move(settled).err();
    }
  }
  if (failed) throw engine_error{std::move(*failed)};
  py::dict out;
  for (std::size_t k = 0; k < yibao_py::money_column_count; ++k) {
    out[py::str(std::string{yibao::settlement_fields[k].name})] = to_array(r.money[k]);
  }
  for (std::size_t k = 0; k < yibao_py::ytd_column_count; ++k) {
    out[py::str(yibao_py::ytd_column_name(k))] = to_array(r.ytd[k]);
  }
  const std::vector<std::string> cap_left = cap_left_names();
  for (std::size_t l = 0; l < cap_left.size(); ++l) out[py::str(cap_left[l])] = to_array(r.cap_left[l]);
  out["ok"] = to_bool_array(r.ok);
  out["direct"] = to_bool_array(r.direct);
  out["eligible"] = to_bool_array(r.eligible);
  out["lines"] = to_array(r.lines);
  out["admission"] = to_array(r.admission);
  out["level"] = to_array(r.level);
  out["year"] = to_array(r.year);
  out["scheme"] = to_list(r.scheme);
  out["status"] = to_list(r.status);
  out["group"] = to_list(r.group);
  out["visit_type"] = to_list(r.visit_type);
  out["location"] = to_list(r.location);
  out["tariff_id"] = to_list(r.tariff_id);
  out["filed_as"] = to_list(r.filed_as);
  out["ineligible_reason"] = to_list(r.ineligible_reason);
  out["error_code"] = to_list(r.error_code);
  out["error"] = to_list(r.error);
  return out;
}

/// yibao::sim's summary: built from a settled table, merged, pickled as its
/// exact state text (yibao::sim::summary_state).
struct py_summary {
  yb::sim::summary s;
};

auto thresholds_of(const std::vector<std::string>& texts) -> std::vector<yb::money> {
  std::vector<yb::money> out;
  for (const std::string& t : texts) {
    const auto m = yb::sim::parse_threshold(t);
    if (!m) {
      throw engine_error{yb::make_error(yb::errc::invalid_argument, "thresholds",
                                        "expected an amount in yuan such as 5000 or 5000.00, found \"" + t + "\"")};
    }
    out.push_back(*m);
  }
  return out;
}

/// A column of a settled table (see yibao/summary.py); absent: an error.
auto settled_column(const py::dict& cols, const std::string& name) -> py::object {
  if (!cols.contains(name)) {
    throw engine_error{yb::make_error(yb::errc::invalid_argument, "settled." + name, "missing column")};
  }
  return cols[py::str(name)];
}

template <typename T>
auto settled_numbers(const py::dict& cols, const std::string& name) -> std::vector<T> {
  using array = py::array_t<T, py::array::c_style | py::array::forcecast>;
  const auto a = settled_column(cols, name).cast<array>();
  return std::vector<T>(a.data(), a.data() + a.size());
}

auto settled_flags(const py::dict& cols, const std::string& name) -> std::vector<std::uint8_t> {
  const auto a = settled_column(cols, name).cast<py::array_t<bool, py::array::c_style | py::array::forcecast>>();
  std::vector<std::uint8_t> out(static_cast<std::size_t>(a.size()));
  std::transform(a.data(), a.data() + a.size(), out.begin(), [](bool x) { return x ? 1 : 0; });
  return out;
}

auto summary_of_columns(const py::dict& cols, const std::vector<std::string>& thresholds) -> py_summary {
  const std::vector<yb::money> limits = thresholds_of(thresholds);
  yibao_py::settled_columns c;
  c.ok = settled_flags(cols, "ok");
  c.direct = settled_flags(cols, "direct");
  c.eligible = settled_flags(cols, "eligible");
  c.lines = settled_numbers<std::int64_t>(cols, "lines");
  c.level = settled_numbers<std::int64_t>(cols, "level");
  c.year = settled_numbers<std::int64_t>(cols, "year");
  for (auto [col, name] : {std::pair{&c.person_id, "person_id"}, {&c.tariff_id, "tariff_id"}, {&c.scheme, "scheme"},
                           {&c.status, "status"}, {&c.group, "group"}, {&c.visit_type, "visit_type"},
                           {&c.location, "location"}, {&c.filing, "filing"}}) {
    *col = settled_column(cols, name).cast<std::vector<std::string>>();
  }
  for (std::size_t k = 0; k < yibao_py::money_column_count; ++k) {
    c.money[k] = settled_numbers<std::int64_t>(cols, std::string{yb::settlement_fields[k].name});
  }
  const std::vector<std::string> cap_left = cap_left_names();
  for (std::size_t l = 0; l < cap_left.size(); ++l) c.cap_left[l] = settled_numbers<std::int64_t>(cols, cap_left[l]);
  std::optional<yb::result<yb::sim::summary>> built;
  {
    py::gil_scoped_release nogil;
    built = yibao_py::summarize_settled(c, limits);
  }
  return py_summary{value_or_throw(std::move(*built))};
}

auto merged(const py_summary& a, const py_summary& b) -> py_summary {
  py_summary out = a;
  if (auto m = out.s.merge(b.s); !m) throw engine_error{std::move(m).err()};
  return out;
}

}  // namespace

PYBIND11_MODULE(_yibao, m) {
  m.doc() = "yibao settlement engine (extension module; use the `yibao` package)";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const engine_error& e) {
      raise_engine_error(e.e);
    } catch (const std::ios_base::failure& e) {  // file errors are yibao.IoError, whatever raised them
      raise_engine_error(yb::make_error(yb::errc::io_error, "", e.what()));
    } catch (const std::filesystem::filesystem_error& e) {
      raise_engine_error(yb::make_error(yb::errc::io_error, "", e.what()));
    } catch (const py::error_already_set&) {
      throw;  // a Python exception (from a callback, say) passes through as it is
    } catch (const py::builtin_exception&) {
      throw;  // pybind11's own (cast errors, ...)
    } catch (const std::bad_alloc&) {
      raise_engine_error(yb::make_error(yb::errc::out_of_memory, "", "out of memory"));
    } catch (const std::exception& e) {  // a broken invariant: yibao.InternalError, as in the C API
      raise_engine_error(yb::make_error(yb::errc::internal, "", std::string("internal error: ") + e.what()));
    }
  });

  m.def("version", [] { return std::string(yb::version()); }, "Version of the C++ library linked in.");

  py::class_<py_tariff>(m, "Tariff", "A loaded tariff: immutable, shared by every settlement and thread.")
      .def_static("from_text", &py_tariff::parse, py::arg("text"), py::arg("name") = "<text>",
                  "Parses tariff TOML text; `name` is used in diagnostics and as the base of relative "
                  "`extends` paths. Raises yibao.InvalidArgument with every diagnostic.")
      .def_static(
          "from_file",
          [](const std::filesystem::path& path) { return py_tariff::parse(read_or_throw(path, "tariff"), path.string()); },
          py::arg("path"), "Loads a tariff TOML file (and the files it extends).")
      .def_property_readonly("id", [](const py_tariff& t) { return t.t->info.id; })
      .def_property_readonly("name", [](const py_tariff& t) { return t.t->info.name; })
      .def_property_readonly("place", [](const py_tariff& t) { return t.t->info.place; })
      .def_property_readonly("valid_from", [](const py_tariff& t) { return t.t->info.valid_from.to_string(); })
      .def_property_readonly("valid_to", [](const py_tariff& t) { return t.t->info.valid_to.to_string(); })
      .def_property_readonly("rounding", [](const py_tariff& t) { return std::string(yb::to_string(t.t->info.round)); })
      .def_property_readonly("file", [](const py_tariff& t) { return t.name; })
      .def_property_readonly("warnings", [](const py_tariff& t) { return t.warnings; })
      .def("__repr__", [](const py_tariff& t) { return "<yibao.Tariff " + t.t->info.id + " from " + t.name + ">"; })
      .def(py::pickle([](const py_tariff& t) { return py::make_tuple(t.text, t.name, t.sources); },
                      [](const py::tuple& s) {
                        if (s.size() != 3) {
                          throw engine_error{yb::make_error(yb::errc::invalid_argument, "",
                                                            "yibao.Tariff: unknown pickle format (another version "
                                                            "of yibao?): expected text, name and extended files")};
                        }
                        return py_tariff::from_sources(s[0].cast<std::string>(), s[1].cast<std::string>(),
                                                       s[2].cast<std::map<std::string, std::string>>());
                      }));

  py::class_<py_tariff_set>(m, "TariffSet",
                            "Versions of one place's tariff, of which each bill's date picks the one in force "
                            "(yibao.load_tariff_set). Accepted wherever a Tariff is.")
      .def_static("from_paths", &py_tariff_set::load, py::arg("paths"),
                  "Loads the versions from tariff files and directories (every *.toml directly in one). "
                  "Raises yibao.IoError (a path cannot be read, no version found) or yibao.InvalidArgument "
                  "(a tariff does not load, versions overlap or name other places) with every diagnostic.")
      .def("__len__", [](const py_tariff_set& t) { return t.s->size(); })
      .def_property_readonly("ids", [](const py_tariff_set& t) {
        std::vector<std::string> ids;
        for (const yb::tariff& v : t.s->versions()) ids.push_back(v.info.id);
        return ids;
      }, "The versions' ids, oldest first.")
      .def_property_readonly("versions", [](const py_tariff_set& t) {
        py::list out;
        for (const yb::tariff& v : t.s->versions()) {
          out.append(py::make_tuple(v.info.id, v.info.valid_from.to_string(), v.info.valid_to.to_string(), v.file));
        }
        return out;
      }, "(id, valid_from, valid_to, file) of each version, oldest first.")
      .def_property_readonly("place", [](const py_tariff_set& t) { return t.s->versions().front().info.place; })
      .def_property_readonly("paths", [](const py_tariff_set& t) { return t.paths; })
      .def_property_readonly("warnings", [](const py_tariff_set& t) { return t.warnings; },
                             "The loaders' warnings and gaps between the versions' windows.")
      .def("__repr__", [](const py_tariff_set& t) {
        std::string ids;
        for (const yb::tariff& v : t.s->versions()) ids += (ids.empty() ? "" : ", ") + v.info.id;
        return "<yibao.TariffSet " + ids + ">";
      });

  py::class_<py_catalog>(m, "Catalog", "A catalog of the place of treatment (code -> class, ratio, limit).")
      .def_static("from_text", &py_catalog::parse, py::arg("text"), py::arg("name") = "<text>",
                  "Parses catalog CSV text. Raises yibao.InvalidArgument with every bad row.")
      .def_static(
          "from_file",
          [](const std::filesystem::path& path) { return py_catalog::parse(read_or_throw(path, "catalog"), path.string()); },
          py::arg("path"), "Loads a catalog CSV file.")
      .def("__len__", [](const py_catalog& c) { return c.c->size(); })
      .def("__contains__", [](const py_catalog& c, const std::string& code) { return c.c->find(code) != nullptr; })
      .def_property_readonly("file", [](const py_catalog& c) { return c.name; })
      .def("__repr__", [](const py_catalog& c) {
        return "<yibao.Catalog " + std::to_string(c.c->size()) + " items from " + c.name + ">";
      })
      .def(py::pickle([](const py_catalog& c) { return py::make_tuple(c.text, c.name); },
                      [](const py::tuple& s) {
                        return py_catalog::parse(s[0].cast<std::string>(), s[1].cast<std::string>());
                      }));

  // Each for a Tariff and for a TariffSet (pybind11 picks the overload by type).
  m.def("settle_json", &settle_json<py_tariff>, py::arg("tariff"), py::arg("catalog").none(true),
        py::arg("bill_json"), py::arg("filing") = py::none(), py::arg("trace") = false,
        "Settles one bill given as JSON text; returns the settlement as JSON text (yibao::to_json).");
  m.def("settle_json", &settle_json<py_tariff_set>, py::arg("tariff"), py::arg("catalog").none(true),
        py::arg("bill_json"), py::arg("filing") = py::none(), py::arg("trace") = false);
  m.def("settle_columns", &settle_columns<py_tariff>, py::arg("tariff"), py::arg("catalog").none(true),
        py::arg("n_bills"), py::arg("bills"), py::arg("n_lines"), py::arg("lines"), py::arg("collect_errors") = false,
        py::arg("threads") = 1,
        "Settles a table of bills given as columns of text; returns result columns (money in fen).");
  m.def("settle_columns", &settle_columns<py_tariff_set>, py::arg("tariff"), py::arg("catalog").none(true),
        py::arg("n_bills"), py::arg("bills"), py::arg("n_lines"), py::arg("lines"), py::arg("collect_errors") = false,
        py::arg("threads") = 1);
  py::class_<py_summary>(m, "Summary",
                         "The summary of `yibao simulate` (yibao::sim) over some settled bills: exact integer "
                         "counts and sums, mergeable across partitions that each hold whole person-years.")
      .def_static("from_columns", &summary_of_columns, py::arg("columns"), py::arg("thresholds"),
                  "The summary of a settled table given as columns (money in int64 fen); `thresholds` in yuan "
                  "as `--threshold` takes them. Raises yibao.InvalidArgument for a bad threshold or column.")
      .def("merge", &merged, py::arg("other"),
           "A new summary of both (exact, in any order). Raises yibao.InvalidArgument when the thresholds differ.")
      .def("__add__", &merged)
      .def("to_json", [](const py_summary& p) { return yb::sim::to_json(p.s); },
           "The summary as `yibao simulate --json` writes it.")
      .def("to_text", [](const py_summary& p) { return yb::sim::to_text(p.s); },
           "The summary as `yibao simulate` prints it.")
      .def_property_readonly("bills_read", [](const py_summary& p) { return p.s.bills_read; })
      .def_property_readonly("settled", [](const py_summary& p) { return p.s.settled; })
      .def("__repr__", [](const py_summary& p) {
        return "<yibao.Summary of " + std::to_string(p.s.bills_read) + " bills, " + std::to_string(p.s.settled) +
               " settled>";
      })
      .def(py::pickle([](const py_summary& p) { return py::bytes(yb::sim::summary_state(p.s)); },
                      [](const py::bytes& state) {
                        return py_summary{value_or_throw(yb::sim::parse_summary_state(std::string{state}))};
                      }));
  m.def(
      "fen_text",
      [](const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& fen) {
        py::list out(static_cast<std::size_t>(fen.size()));
        for (py::ssize_t i = 0; i < fen.size(); ++i) out[static_cast<std::size_t>(i)] = yb::format_fixed(fen.data()[i], 2);
        return out;
      },
      py::arg("fen"), "Amounts in fen as decimal text in yuan (\"-0.05\"), by the library's one formatter.");
  m.attr("default_thresholds") = [] {
    py::list l;
    for (const yb::money& t : yb::sim::default_thresholds()) l.append(t.to_string());
    return l;
  }();
  m.attr("bill_columns") = [] {
    py::list l;
    for (const char* n : yibao_py::bill_column_names) l.append(n);
    return l;
  }();
  m.attr("line_columns") = [] {
    py::list l;
    for (const char* n : yibao_py::line_column_names) l.append(n);
    return l;
  }();
  m.attr("money_columns") = [] {
    py::list l;
    for (const yibao::settlement_field& f : yibao::settlement_fields) l.append(std::string{f.name});
    return l;
  }();
  m.attr("cap_left_columns") = cap_left_names();
  m.attr("ytd_columns") = [] {
    py::list l;
    for (std::size_t k = 0; k < yibao_py::ytd_column_count; ++k) l.append(yibao_py::ytd_column_name(k));
    return l;
  }();
}
