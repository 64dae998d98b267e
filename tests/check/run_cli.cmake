# Runs confman-check with ARGS ("|"-separated) and requires the exit code
# EXPECTED_EXIT and, when EXPECTED_OUTPUT is not empty, that text in stdout.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${CHECK}" ${args}
  RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT exit_code STREQUAL "${EXPECTED_EXIT}")
  message(FATAL_ERROR "confman-check ${args}: exit code ${exit_code}, expected ${EXPECTED_EXIT}\n"
                      "stdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT "${EXPECTED_OUTPUT}" STREQUAL "")
  string(FIND "${out}" "${EXPECTED_OUTPUT}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "confman-check ${args}: output lacks \"${EXPECTED_OUTPUT}\"\n"
                        "stdout:\n${out}\nstderr:\n${err}")
  endif()
endif()
