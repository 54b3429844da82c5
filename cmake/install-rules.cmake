# Install and export rules (after fmt's support/cmake): headers, the static
# and the shared library, the `yibao` tool, a CMake package and a pkg-config
# file. Included from the top-level CMakeLists.txt once every target exists.
#
#   find_package(yibao 0.1 REQUIRED)                       # both libraries
#   target_link_libraries(app PRIVATE yibao::yibao)         # static, C++ or C
#   target_link_libraries(app PRIVATE yibao::yibao_shared)  # libyibao.so, C API
#   find_package(yibao REQUIRED COMPONENTS shared)          # only the shared one:
#                                                           # no fmt/toml++/simdjson needed
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(YIBAO_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/yibao
    CACHE STRING "Where the CMake package files of yibao are installed")
mark_as_advanced(YIBAO_INSTALL_CMAKEDIR)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/yibao
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT yibao_development
        FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")

# Two export sets, so that a consumer of the shared library does not need the
# static library's private dependencies.
install(TARGETS yibao EXPORT yibao-static-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT yibao_development)
install(EXPORT yibao-static-targets NAMESPACE yibao:: DESTINATION ${YIBAO_INSTALL_CMAKEDIR}
        COMPONENT yibao_development)
set(_yibao_components static)
if(TARGET yibao_shared)
  install(TARGETS yibao_shared EXPORT yibao-shared-targets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT yibao_runtime NAMELINK_COMPONENT yibao_development
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT yibao_runtime
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT yibao_development)
  install(EXPORT yibao-shared-targets NAMESPACE yibao:: DESTINATION ${YIBAO_INSTALL_CMAKEDIR}
          COMPONENT yibao_development)
  list(APPEND _yibao_components shared)
endif()
if(TARGET yibao_cli)
  install(TARGETS yibao_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT yibao_runtime)
endif()

set(YIBAO_INSTALLED_COMPONENTS ${_yibao_components})
# The static library's private dependencies, as packages for find_dependency
# (the part before "::" of each imported target it links) and for pkg-config.
set(YIBAO_STATIC_DEPENDENCIES "")
set(YIBAO_PC_REQUIRES_PRIVATE "")
get_target_property(_yibao_links yibao LINK_LIBRARIES)
foreach(_yibao_link IN LISTS _yibao_links)
  if(_yibao_link MATCHES "^([A-Za-z0-9_]+)::")
    list(APPEND YIBAO_STATIC_DEPENDENCIES ${CMAKE_MATCH_1})
    string(TOLOWER "${CMAKE_MATCH_1}" _yibao_pc)
    if(NOT _yibao_pc STREQUAL "threads")
      string(APPEND YIBAO_PC_REQUIRES_PRIVATE " ${_yibao_pc}")
    endif()
  endif()
endforeach()
list(REMOVE_DUPLICATES YIBAO_STATIC_DEPENDENCIES)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/yibao-config.cmake.in
  ${PROJECT_BINARY_DIR}/yibao-config.cmake INSTALL_DESTINATION ${YIBAO_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/yibao-config-version.cmake
  COMPATIBILITY SameMinorVersion)  # 0.x: a minor release may break the API
install(FILES ${PROJECT_BINARY_DIR}/yibao-config.cmake ${PROJECT_BINARY_DIR}/yibao-config-version.cmake
        DESTINATION ${YIBAO_INSTALL_CMAKEDIR} COMPONENT yibao_development)

# pkg-config: `pkg-config --cflags --libs yibao` links the shared library;
# `--static` adds what the static one needs.
# The .pc finds its prefix relative to itself, so the install tree can move.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(YIBAO_PC_UP "")
  message(WARNING "yibao.pc: CMAKE_INSTALL_LIBDIR is absolute; the .pc will not be relocatable")
else()
  string(REGEX REPLACE "[^/]+" ".." YIBAO_PC_UP "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/yibao.pc.in ${PROJECT_BINARY_DIR}/yibao.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/yibao.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT yibao_development)
