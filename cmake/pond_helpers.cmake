# pond_library(NAME SOURCES ... DEPS ...): one folder, one static library, dependencies spelled out.
function(pond_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# pond_test(NAME SOURCES ... DEPS ...): a GoogleTest binary registered with ctest.
function(pond_test name)
  if(NOT POND_BUILD_TESTS)
    return()
  endif()
  # SHARDS n: registered as n ctest entries (GoogleTest's sharding), so a long suite of
  # independent cases runs on every core.
  cmake_parse_arguments(ARG "" "SHARDS" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE POND_SHARED_DATA="${POND_SHARED_DATA}"
                                            POND_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  if(ARG_SHARDS)
    math(EXPR last "${ARG_SHARDS} - 1")
    foreach(i RANGE ${last})
      add_test(NAME ${name}_${i} COMMAND ${name})
      set_tests_properties(${name}_${i} PROPERTIES TIMEOUT 600
        ENVIRONMENT "GTEST_TOTAL_SHARDS=${ARG_SHARDS};GTEST_SHARD_INDEX=${i}")
    endforeach()
  else()
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES TIMEOUT 600)
  endif()
endfunction()
