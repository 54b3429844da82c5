# C API tests beyond the unit tests (which tests/unit/capi_*.cpp add to
# yibao_unit_tests): the installed-package consumer, the Java example and the
# libFuzzer target. Included from tests/CMakeLists.txt.

# --- find_package consumer: install into a staging prefix, then configure,
# build and run tests/find_package (examples/c and examples/cpp) against it.
if(NOT YIBAO_FUZZ AND TARGET yibao_shared)
  set(_yibao_consumer_flags "")
  if(YIBAO_SANITIZE)
    set(_yibao_consumer_flags "-fsanitize=address,undefined")
  endif()
  add_test(NAME capi_find_package
    COMMAND ${CMAKE_COMMAND}
      -DBUILD_DIR=${PROJECT_BINARY_DIR}
      -DSTAGING=${CMAKE_CURRENT_BINARY_DIR}/find_package/staging
      -DWORK=${CMAKE_CURRENT_BINARY_DIR}/find_package/build
      -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
      -DGENERATOR=${CMAKE_GENERATOR}
      -DC_COMPILER=${CMAKE_C_COMPILER}
      -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
      "-DFLAGS=${CMAKE_CXX_FLAGS} ${_yibao_consumer_flags}"
      "-DLINK_FLAGS=${CMAKE_EXE_LINKER_FLAGS} ${_yibao_consumer_flags}"
      -P ${CMAKE_CURRENT_SOURCE_DIR}/find_package/driver.cmake)
  set_tests_properties(capi_find_package PROPERTIES TIMEOUT 600 LABELS "capi;install")
endif()

# --- The C example, built as docs/c-api.md says, on the shipped tariffs,
# catalog and example bills (issue #10 item 19). An uninstrumented program
# cannot link the sanitized library, so not under the sanitizers.
if(TARGET yibao_shared AND NOT YIBAO_SANITIZE AND NOT YIBAO_FUZZ AND NOT CMAKE_C_FLAGS MATCHES "-fsanitize")
  add_test(NAME Issue10_Item19_c_example_with_shipped_files
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/examples/c_example.sh ${PROJECT_SOURCE_DIR}
            $<TARGET_FILE_DIR:yibao_shared> ${CMAKE_CURRENT_BINARY_DIR}/c_example ${CMAKE_C_COMPILER})
  set_tests_properties(Issue10_Item19_c_example_with_shipped_files PROPERTIES TIMEOUT 120 LABELS "capi")
endif()

# --- Java: examples/java/Settle.java calls the C API through a JNI shim.
find_package(Java 17 COMPONENTS Development QUIET)
if(Java_FOUND AND NOT DEFINED ENV{JAVA_HOME})
  # FindJNI looks under JAVA_HOME; derive it from javac (/usr/bin/javac is a
  # symlink into the JDK on Debian).
  file(REAL_PATH "${Java_JAVAC_EXECUTABLE}" _yibao_javac)
  get_filename_component(_yibao_java_home "${_yibao_javac}" DIRECTORY)
  get_filename_component(_yibao_java_home "${_yibao_java_home}" DIRECTORY)
  set(JAVA_HOME "${_yibao_java_home}")
endif()
find_package(JNI QUIET)
if(Java_FOUND AND JNI_FOUND AND TARGET yibao_shared AND NOT YIBAO_SANITIZE AND NOT YIBAO_FUZZ)
  add_library(yibao_jni MODULE ${PROJECT_SOURCE_DIR}/examples/java/yibao_jni.c)
  target_include_directories(yibao_jni PRIVATE ${JNI_INCLUDE_DIRS})
  target_link_libraries(yibao_jni PRIVATE yibao::yibao_shared)
  set(_yibao_java_out ${CMAKE_CURRENT_BINARY_DIR}/java)
  add_test(NAME capi_java_example
    COMMAND sh -c "\"$1\" -d \"$3\" \"$4/examples/java/Settle.java\" && \"$2\" -Djava.library.path=\"$5\" -cp \"$3\" Settle \"$4/tests/data/capi/tariff.toml\" \"$4/tests/data/capi/catalog.csv\" \"$4/tests/data/capi/bill.json\""
            sh ${Java_JAVAC_EXECUTABLE} ${Java_JAVA_EXECUTABLE} ${_yibao_java_out} ${PROJECT_SOURCE_DIR}
            $<TARGET_FILE_DIR:yibao_jni>)
  set_tests_properties(capi_java_example PROPERTIES
    PASS_REGULAR_EXPRESSION "\"hifp_pay\":\"885\\.85\"" TIMEOUT 120 LABELS "capi")
endif()

# --- libFuzzer (clang; -DYIBAO_FUZZ=ON instruments everything): tests/fuzz/run.sh.
if(YIBAO_FUZZ)
  add_executable(fuzz_capi ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_capi.cpp)
  target_link_libraries(fuzz_capi PRIVATE yibao::yibao)
  target_link_options(fuzz_capi PRIVATE -fsanitize=fuzzer)
  target_compile_definitions(fuzz_capi PRIVATE YIBAO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  # The bill JSON fast path against the full reader (both in the formats layer).
  add_executable(fuzz_bill_json ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_bill_json.cpp)
  target_link_libraries(fuzz_bill_json PRIVATE yibao_formats)
  target_link_options(fuzz_bill_json PRIVATE -fsanitize=fuzzer)
  # The tariff loader with `extends` (in-memory files) and the catalog reader.
  # The summary state reader (Python's pickles) too.
  foreach(_fuzz fuzz_tariff fuzz_catalog fuzz_summary_state)
    add_executable(${_fuzz} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${_fuzz}.cpp)
    target_link_libraries(${_fuzz} PRIVATE yibao::yibao)
    target_link_options(${_fuzz} PRIVATE -fsanitize=fuzzer)
  endforeach()
  # The bulk CSV bill reader (the sim layer's csv_bill) and validate after it.
  add_executable(fuzz_csv_bill ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_csv_bill.cpp)
  target_link_libraries(fuzz_csv_bill PRIVATE yibao_sim)
  target_link_options(fuzz_csv_bill PRIVATE -fsanitize=fuzzer)
endif()
