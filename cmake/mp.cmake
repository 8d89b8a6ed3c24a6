# Helpers shared by every library, service and test target.

# mp_library(<name> SOURCES ... [DEPS ...]): a static library whose headers are included
# project-relative ("libs/core/config.hpp"), so the repository root is the include root.
function(mp_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# mp_test(<name> LABEL unit|integration|e2e SOURCES ... [DEPS ...]): a GoogleTest binary run by ctest
# with the given label, so `ctest -L unit` runs only the fast tests.
function(mp_test name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_color=no)
  set_tests_properties(${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT 300)
endfunction()
