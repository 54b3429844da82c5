# Issue #11 item 2: each layer has its own private include directory, so an
# include across layers fails to compile (src/CMakeLists.txt). Each check
# below compiles tests/layers/include_check.cpp, including one header, with
# the include path of one target, as one of that target's own files would.
# The checks are built by ctest (not by `all`); the ones that must fail pass
# when the compiler reports the header as not found.

set(_yibao_layer_checks "")
# yibao_layer_check(<name> <target whose files include> <header> ok|not_found)
function(yibao_layer_check name target header expect)
  set(check layers_check_${name})
  add_library(${check} OBJECT EXCLUDE_FROM_ALL ${CMAKE_CURRENT_LIST_DIR}/include_check.cpp)
  target_include_directories(${check} PRIVATE $<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>)
  target_link_libraries(${check} PRIVATE $<TARGET_PROPERTY:${target},LINK_LIBRARIES>)
  target_compile_features(${check} PRIVATE cxx_std_20)
  target_compile_definitions(${check} PRIVATE "LAYERS_CHECK_HEADER=\"${header}\"")
  add_test(NAME Issue11_Item2_layers_${name}
    COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR} --target ${check})
  # One build of the tree at a time: ninja does not lock its build directory.
  set_tests_properties(Issue11_Item2_layers_${name} PROPERTIES
    RESOURCE_LOCK yibao_build_tree TIMEOUT 300 LABELS layers)
  if(expect STREQUAL "not_found")
    string(REPLACE "." "\\." _re "${header}")
    set_tests_properties(Issue11_Item2_layers_${name} PROPERTIES
      PASS_REGULAR_EXPRESSION "${_re}'?:? (No such file or directory|file not found)")
  endif()
endfunction()

# What a layer may include: its own private headers by bare name, and the
# interface headers ("<layer>/x.hpp") of the layers below it.
yibao_layer_check(sim_own_private_header          yibao_sim   "output.hpp"            ok)
yibao_layer_check(cli_sim_interface               yibao_cli   "sim/reader.hpp"        ok)
yibao_layer_check(capi_formats_interface          yibao_capi  "formats/text.hpp"      ok)
yibao_layer_check(tariff_core_interface           yibao_tariff "core/json_writer.hpp" ok)
# What it may not: another layer's private header, the old `src/` root, a
# layer above it.
yibao_layer_check(cli_cannot_include_sim_private  yibao_cli   "output.hpp"            not_found)
yibao_layer_check(cli_cannot_include_sim_by_src   yibao_cli   "sim/output.hpp"        not_found)
yibao_layer_check(capi_cannot_include_core_private yibao_capi "validate.hpp"        not_found)
yibao_layer_check(tariff_cannot_include_core_private yibao_tariff "layer_math.hpp"    not_found)
yibao_layer_check(sim_cannot_include_tariff_private yibao_sim "loader.hpp"            not_found)
yibao_layer_check(no_src_root                     yibao_capi  "io/text.hpp"           not_found)
yibao_layer_check(core_cannot_include_formats     yibao_core  "formats/text.hpp"      not_found)
yibao_layer_check(formats_cannot_include_sim      yibao_formats "sim/reader.hpp"      not_found)
yibao_layer_check(core_cannot_include_cli_private yibao_core  "common.hpp"            not_found)

# A relative include ("../sim/output.hpp") would go around the include
# paths: none in src/ or python/src.
add_test(NAME Issue11_Item2_layers_no_relative_includes
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/no_relative_includes.cmake)
set_tests_properties(Issue11_Item2_layers_no_relative_includes PROPERTIES LABELS layers)
