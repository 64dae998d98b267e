# Fails if any file under CORE_DIR reaches for I/O, threads, system clocks or
# library randomness. core/ is driven purely by the events it is given
# (DESIGN.md, "Layout"); anything else would break replay from a seed.
if(NOT CORE_DIR)
  message(FATAL_ERROR "CheckCoreSansIO: CORE_DIR is not set")
endif()
file(GLOB_RECURSE sources "${CORE_DIR}/*.h" "${CORE_DIR}/*.cpp")
set(forbidden_patterns
  "#[ \t]*include[ \t]*[<\"](boost/asio|boost/beast|lmdb\\.h|thread|random|fstream|filesystem|sys/socket\\.h|mutex|future|condition_variable|atomic|cstdio|iostream|stop_token|semaphore|chrono|ctime)[>\"]"
  "std::chrono::(system_clock|steady_clock|high_resolution_clock)"
  "std::random_device"
  "(fopen|getenv|time\\(nullptr\\))")
set(violations "")
foreach(source IN LISTS sources)
  file(STRINGS "${source}" lines)
  set(line_number 0)
  foreach(line IN LISTS lines)
    math(EXPR line_number "${line_number} + 1")
    foreach(pattern IN LISTS forbidden_patterns)
      if(line MATCHES "${pattern}")
        string(APPEND violations "\n  ${source}:${line_number}: ${line}")
      endif()
    endforeach()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "core/ must stay sans-IO (no I/O, threads, clocks or library randomness):${violations}")
endif()
