# cmake -DSOURCE_DIR=... -P no_relative_includes.cmake: fails when a file of
# src/ or python/src includes a header by a relative path ("../x.hpp"),
# which would reach another layer's private headers around its include path.
file(GLOB_RECURSE _files ${SOURCE_DIR}/src/*.cpp ${SOURCE_DIR}/src/*.hpp
     ${SOURCE_DIR}/python/src/*.cpp ${SOURCE_DIR}/python/src/*.hpp)
set(_bad "")
foreach(_f IN LISTS _files)
  file(STRINGS ${_f} _lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<][^\">]*\\.\\./")
  foreach(_l IN LISTS _lines)
    list(APPEND _bad "${_f}: ${_l}")
  endforeach()
endforeach()
if(_bad)
  list(JOIN _bad "\n" _msg)
  message(FATAL_ERROR "relative includes cross the layers' include paths:\n${_msg}")
endif()
list(LENGTH _files _n)
message(STATUS "${_n} files, no relative include")
