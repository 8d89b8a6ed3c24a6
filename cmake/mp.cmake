# Helpers shared by every library, service and test target.

# mp_library(<name> SOURCES ... [DEPS ...]): a static library whose headers are included
# project-relative ("libs/core/config.hpp"), so the repository root is the include root.
function(mp_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# mp_domain_library(<name> SOURCES ...): a service's domain (src/domain/): pure decisions and rules that link
# libs/core only. Building it first checks that no file of the folder includes anything but the standard
# library, libs/core/{money,time,text,problem,outcome}.hpp and the same domain (cmake/check_includes.cmake);
# the check runs again whenever a file of the folder changes.
function(mp_domain_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  set(dir "${CMAKE_CURRENT_SOURCE_DIR}/src/domain")
  file(GLOB_RECURSE checked CONFIGURE_DEPENDS "${dir}/*.hpp" "${dir}/*.cpp")
  set(stamp "${CMAKE_CURRENT_BINARY_DIR}/${name}.layers.stamp")
  add_custom_command(OUTPUT "${stamp}"
    COMMAND ${CMAKE_COMMAND} "-DSERVICE=${CMAKE_CURRENT_SOURCE_DIR}" -DROOMS=domain
            -P "${PROJECT_SOURCE_DIR}/cmake/check_includes.cmake"
    COMMAND ${CMAKE_COMMAND} -E touch "${stamp}"
    DEPENDS ${checked} "${PROJECT_SOURCE_DIR}/cmake/check_includes.cmake"
    COMMENT "Checking that ${name} includes only the standard library and libs/core")
  add_custom_target(${name}_layers DEPENDS "${stamp}")
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC mp_core)
  add_dependencies(${name} ${name}_layers)
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

# mp_service(<name> STORE mysql|mongo DOMAIN <src>... SOURCES <src>... DOMAIN_TESTS <src>... UNIT_TESTS <src>...
#            INTEGRATION_TESTS <src>...): one microservice, laid out as docs/architecture.md says —
#   mp_<name>_domain        src/domain (mp_domain_library: libs/core only, checked);
#   mp_<name>_lib           everything else on top of it, src/service.cpp (the service's spec, store and
#                           wiring) and the libraries every service uses, with the store adapter
#                           (mp_service_mysql or mp_service_mongo); a MySQL service also gets its
#                           migrations/ and the shared outbox ones embedded;
#   mp-<name>               src/main.cpp: runs src/service.cpp's definition;
#   <name>_domain_test      links the domain alone (label unit);
#   <name>_unit_test        links the service library (label unit);
#   <name>_integration_test needs the real stores and broker (label integration: ./marketplace test).
function(mp_service name)
  cmake_parse_arguments(ARG "" "STORE" "DOMAIN;SOURCES;DOMAIN_TESTS;UNIT_TESTS;INTEGRATION_TESTS" ${ARGN})
  if(ARG_STORE STREQUAL "mysql")
    set(store_libs mp_sql mp_bus_sql)
  elseif(ARG_STORE STREQUAL "mongo")
    set(store_libs mp_mongo)
  else()
    message(FATAL_ERROR "mp_service(${name}): STORE must be mysql or mongo")
  endif()
  mp_domain_library(mp_${name}_domain SOURCES ${ARG_DOMAIN})
  # src/service.cpp: the service as main() runs it and its API tests assemble it (service::Definition).
  mp_library(mp_${name}_lib SOURCES ${ARG_SOURCES} src/service.cpp
    DEPS mp_${name}_domain mp_http mp_identity ${store_libs} mp_bus mp_cache mp_security
         mp_service_${ARG_STORE})
  if(ARG_STORE STREQUAL "mysql")
    mp_sql_migrations(mp_${name}_lib migrations mp::${name}::store::Migrations ${MP_OUTBOX_MIGRATIONS})
  endif()
  add_executable(mp-${name} src/main.cpp)
  target_link_libraries(mp-${name} PRIVATE mp_${name}_lib)
  mp_test(${name}_domain_test LABEL unit SOURCES ${ARG_DOMAIN_TESTS} DEPS mp_${name}_domain)
  mp_test(${name}_unit_test LABEL unit SOURCES ${ARG_UNIT_TESTS} DEPS mp_${name}_lib)
  mp_test(${name}_integration_test LABEL integration SOURCES ${ARG_INTEGRATION_TESTS} DEPS mp_${name}_lib)
endfunction()

# mp_reuse_asio_pch(): every target below the top directory that links mp_asio, directly or through other
# targets, reuses mp_asio's precompiled header instead of compiling its own copy (one PCH in the build
# instead of one per target, each 15-25 s). Called once, after every add_subdirectory.
function(mp_reuse_asio_pch)
  set(all_targets "")
  set(dirs "${PROJECT_SOURCE_DIR}")
  while(dirs)
    list(POP_FRONT dirs dir)
    get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
    get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
    list(APPEND all_targets ${targets})
    list(APPEND dirs ${subdirs})
  endwhile()
  foreach(target IN LISTS all_targets)
    if(target STREQUAL "mp_asio")
      continue()
    endif()
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|EXECUTABLE|OBJECT_LIBRARY)$")
      continue()
    endif()
    _mp_links_asio(${target} uses)
    if(uses)
      target_precompile_headers(${target} REUSE_FROM mp_asio)
    endif()
  endforeach()
endfunction()

# _mp_links_asio(<target> <out>): whether <target> reaches mp_asio through its link libraries.
function(_mp_links_asio target out)
  set(seen "")
  set(queue ${target})
  while(queue)
    list(POP_FRONT queue current)
    if(current IN_LIST seen OR NOT TARGET ${current})
      continue()
    endif()
    list(APPEND seen ${current})
    if(current STREQUAL "mp_asio")
      set(${out} TRUE PARENT_SCOPE)
      return()
    endif()
    get_target_property(imported ${current} IMPORTED)
    if(imported)
      continue()
    endif()
    get_target_property(links ${current} LINK_LIBRARIES)
    get_target_property(interface_links ${current} INTERFACE_LINK_LIBRARIES)
    foreach(link IN LISTS links interface_links)
      if(link AND NOT link MATCHES "-NOTFOUND$")
        list(APPEND queue ${link})
      endif()
    endforeach()
  endwhile()
  set(${out} FALSE PARENT_SCOPE)
endfunction()
