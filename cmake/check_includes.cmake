# cmake -DROOT=<repository> -P check_includes.cmake                        (every service, every room)
# cmake -DSERVICE=<repository>/services/<name> [-DROOMS=domain] -P ...     (one service, some rooms)
#
# The arrows between a service's rooms (docs/architecture.md, STYLE.md: api -> domain <- store/events):
# - domain/ is pure: the standard library, the framework-free parts of libs/core and its own domain, nothing
#   else (no Boost/Asio/Beast, database or broker client, JSON, HTTP error type, other service); the domain
#   libraries run this over their folder as a build step;
# - store/ and events/ never include api/; clients/ include neither api/ nor store/;
# - no room includes another service's code.
# Fails with every offending line listed.
set(allowed_core "money|time|text|problem|outcome")
if(DEFINED SERVICE)
  set(services "${SERVICE}")
elseif(DEFINED ROOT)
  file(GLOB services LIST_DIRECTORIES true "${ROOT}/services/*")
else()
  message(FATAL_ERROR "check_includes: pass -DROOT=... or -DSERVICE=...")
endif()
if(NOT DEFINED ROOMS)
  set(ROOMS domain api store events clients)
endif()

# Whether room <room> of <service> may include <line> (a whole #include line).
function(include_allowed service room line result)
  set(ok FALSE)
  if(room STREQUAL "domain")
    if(line MATCHES "<([^>]+)>")
      # Standard library headers have plain names: <vector>, <cstdint>; <boost/...>, <mysql.h> do not.
      if(CMAKE_MATCH_1 MATCHES "^[a-z_0-9]+$")
        set(ok TRUE)
      endif()
    elseif(line MATCHES "\"(libs/core/(${allowed_core})\\.hpp|services/${service}/src/domain/[^\"]+)\"")
      set(ok TRUE)
    endif()
  elseif(NOT line MATCHES "\"services/([a-z_]+)/src/([a-z_]+)/")
    set(ok TRUE)  # outside domain/, only includes of services/ code have arrows to follow
  elseif(CMAKE_MATCH_1 STREQUAL service)
    set(target_room "${CMAKE_MATCH_2}")
    set(ok TRUE)
    if((room MATCHES "^(store|events)$" AND target_room STREQUAL "api")
       OR (room STREQUAL "clients" AND target_room MATCHES "^(api|store)$"))
      set(ok FALSE)
    endif()
  endif()
  set(${result} ${ok} PARENT_SCOPE)
endfunction()

set(violations "")
set(checked 0)
foreach(service_dir IN LISTS services)
  if(NOT IS_DIRECTORY "${service_dir}/src")
    continue()
  endif()
  get_filename_component(service "${service_dir}" NAME)
  foreach(room IN LISTS ROOMS)
    file(GLOB_RECURSE files "${service_dir}/src/${room}/*.hpp" "${service_dir}/src/${room}/*.cpp"
         "${service_dir}/src/${room}/*.h" "${service_dir}/src/${room}/*.cc")
    foreach(file IN LISTS files)
      math(EXPR checked "${checked} + 1")
      file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include")
      foreach(line IN LISTS lines)
        include_allowed("${service}" "${room}" "${line}" ok)
        if(NOT ok)
          file(RELATIVE_PATH shown "${service_dir}/../.." "${file}")
          string(STRIP "${line}" line)
          list(APPEND violations "  ${shown}: ${line}")
        endif()
      endforeach()
    endforeach()
  endforeach()
endforeach()

if(checked EQUAL 0)
  message(FATAL_ERROR "check_includes: no source file found under ${services}")
endif()
if(violations)
  list(JOIN violations "\n" text)
  message(FATAL_ERROR "an include goes against the arrows between rooms (docs/architecture.md; domain code "
                      "may include only the standard library, libs/core/{${allowed_core}}.hpp and its own "
                      "domain):\n${text}")
endif()
