# Fails if a file includes a header from a layer it must not depend on
# (docs/DESIGN.md, "Layout"): dependencies point one way, from the
# runtimes (sim/, real/) and the tools down to core/ and check/, never back.
#   core/     the C++ standard library only (CheckCoreSansIO.cmake checks which parts)
#   adapters/ core/ and itself: library computations the core reaches through its environment
#   schema/   nothing: the types writers and readers of traces share
#   check/    core/util/ and itself: the judge depends on nothing it judges
#   viz/      core/util/, check/ and itself
#   sim/      core/, adapters/, check/, viz/ and itself: never real/ or tools/
#   real/     core/, adapters/ and itself: never sim/, check/ or tools/
# Tests, fuzz targets and tools may use everything.
if(NOT ROOT_DIR)
  message(FATAL_ERROR "CheckLayers: ROOT_DIR is not set")
endif()
# layer -> the project folders its files may include from
set(allowed_core "core/")
set(allowed_schema "schema/")
set(allowed_check "core/util/;check/;schema/")
set(allowed_viz "core/util/;check/;viz/;schema/")
set(allowed_adapters "core/;adapters/")
set(allowed_sim "core/;adapters/;check/;viz/;sim/;schema/")
set(allowed_real "core/;adapters/;real/")
set(project_folders "core/;adapters/;schema/;check/;viz/;sim/;real/;tools/;tests/;fuzz/")
set(violations "")
foreach(layer core adapters schema check viz sim real)
  file(GLOB_RECURSE sources "${ROOT_DIR}/${layer}/*.h" "${ROOT_DIR}/${layer}/*.cpp")
  foreach(source IN LISTS sources)
    file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*" "\\1" header "${line}")
      set(project_header FALSE)
      foreach(folder IN LISTS project_folders)
        string(FIND "${header}" "${folder}" at)
        if(at EQUAL 0)
          set(project_header TRUE)
        endif()
      endforeach()
      if(NOT project_header)
        continue()  # a system or third-party header, or one beside the file
      endif()
      set(ok FALSE)
      foreach(prefix IN LISTS allowed_${layer})
        string(FIND "${header}" "${prefix}" at)
        if(at EQUAL 0)
          set(ok TRUE)
        endif()
      endforeach()
      if(NOT ok)
        file(RELATIVE_PATH where "${ROOT_DIR}" "${source}")
        string(APPEND violations "\n  ${where}: ${layer}/ may not include \"${header}\"")
      endif()
    endforeach()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "a layer depends on one it must not (docs/DESIGN.md, \"Layout\"):${violations}")
endif()
