# The C API (include/yibao/yibao.h, src/capi/) as a shared library with a
# versioned SONAME: libyibao.so -> libyibao.so.0 -> libyibao.so.0.1.0, next to
# the static `yibao`. Both are made of the objects of the layers (src/,
# compiled once, PIC):
# every symbol is hidden except the YIBAO_API functions; a linker version
# script also keeps the C++ standard library's template instances private.
# Included from the top-level CMakeLists.txt right after the `yibao` target.

# The C header's version macros must follow project(VERSION).
file(STRINGS ${PROJECT_SOURCE_DIR}/include/yibao/yibao.h _yibao_h_version
     REGEX "^#define YIBAO_VERSION_STRING \"[0-9.]+\"$")
if(NOT _yibao_h_version STREQUAL "#define YIBAO_VERSION_STRING \"${PROJECT_VERSION}\"")
  message(FATAL_ERROR "include/yibao/yibao.h: YIBAO_VERSION_* is not ${PROJECT_VERSION} (${_yibao_h_version})")
endif()

# The layers are compiled with hidden visibility (src/CMakeLists.txt).
# The public headers use C++20 (<=>, designated defaults); say so to consumers.
target_compile_features(yibao PUBLIC cxx_std_20)

option(YIBAO_BUILD_SHARED "Build the shared library libyibao.so (the C API)" ON)
if(YIBAO_BUILD_SHARED)
  add_library(yibao_shared SHARED ${YIBAO_LAYER_OBJECTS})
  add_library(yibao::yibao_shared ALIAS yibao_shared)
  set_target_properties(yibao_shared PROPERTIES
    OUTPUT_NAME yibao
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR}
    EXPORT_NAME yibao_shared
    LINKER_LANGUAGE CXX)
  target_include_directories(yibao_shared
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
  # Consumers of the DLL on Windows need dllimport (see YIBAO_API).
  target_compile_definitions(yibao_shared INTERFACE YIBAO_SHARED)
  # Whatever the static library links (fmt, toml++, simdjson, ...), evaluated
  # when generating so that dependencies added to `yibao` later are included.
  target_link_libraries(yibao_shared PRIVATE $<TARGET_PROPERTY:yibao,LINK_LIBRARIES>)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(yibao_shared PRIVATE
      "LINKER:--version-script=${PROJECT_SOURCE_DIR}/cmake/libyibao.map" "LINKER:--no-undefined")
    set_property(TARGET yibao_shared APPEND PROPERTY LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/libyibao.map)
  endif()
endif()
