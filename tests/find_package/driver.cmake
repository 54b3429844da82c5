# Runs the find_package consumer test (cmake -P): installs the build tree into
# a staging prefix, configures and builds tests/find_package against it, runs
# the programs, and compiles examples/c/settle.c once more with pkg-config.
# Variables: BUILD_DIR STAGING WORK SOURCE_DIR GENERATOR C_COMPILER CXX_COMPILER FLAGS LINK_FLAGS.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${STAGING} ${WORK})
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${STAGING})
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/find_package -B ${WORK} -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${STAGING} -DCMAKE_BUILD_TYPE=RelWithDebInfo
    -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    "-DCMAKE_C_FLAGS=${FLAGS}" "-DCMAKE_CXX_FLAGS=${FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINK_FLAGS}")
run(${CMAKE_COMMAND} --build ${WORK})

set(data ${SOURCE_DIR}/tests/data/capi)
foreach(program settle_c settle_c_static settle_cpp)
  run(${WORK}/${program} ${data}/tariff.toml ${data}/catalog.csv ${data}/bill.json)
  if(NOT run_output MATCHES "hifp_pay[ =:\"]+885\\.85")
    message(FATAL_ERROR "${program}: unexpected output:\n${run_output}")
  endif()
  message(STATUS "${program}: ok")
endforeach()

# The shared library is versioned: libyibao.so -> libyibao.so.0 -> libyibao.so.0.1.0.
file(GLOB sonames ${STAGING}/lib*/libyibao.so.* ${STAGING}/lib/*/libyibao.so.*)
if(NOT sonames)
  message(FATAL_ERROR "no versioned libyibao.so.N installed under ${STAGING}")
endif()

# pkg-config, when available: compile the C example against the .pc.
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  file(GLOB pcdirs ${STAGING}/lib*/pkgconfig ${STAGING}/lib/*/pkgconfig)
  set(ENV{PKG_CONFIG_PATH} "${pcdirs}")
  run(${PKG_CONFIG} --cflags --libs yibao)
  string(STRIP "${run_output}" pc_flags)
  separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
  separate_arguments(extra UNIX_COMMAND "${FLAGS}")
  run(${C_COMPILER} ${extra} -o ${WORK}/settle_c_pc ${SOURCE_DIR}/examples/c/settle.c ${pc_flags})
  get_filename_component(libdir "${pcdirs}" DIRECTORY)
  set(ENV{LD_LIBRARY_PATH} "${libdir}")
  run(${WORK}/settle_c_pc ${data}/tariff.toml ${data}/catalog.csv ${data}/bill.json)
  message(STATUS "pkg-config build: ok")
endif()
