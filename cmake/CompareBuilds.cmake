# Runs the same scenarios and seeds with two builds of confman-sim (e.g.
# Debug and RelWithDebInfo) and fails unless every run prints the same trace
# hash in both (DESIGN.md: "on any build type").
#   -DSIM_A=... -DSIM_B=... -DSCENARIOS=a.toml,b.toml -DSEEDS=1,2,3
foreach(var SIM_A SIM_B SCENARIOS SEEDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "CompareBuilds: ${var} is not set")
  endif()
endforeach()
# Lists arrive comma-separated (a ';' would split the test's arguments).
string(REPLACE "," ";" SCENARIOS "${SCENARIOS}")
string(REPLACE "," ";" SEEDS "${SEEDS}")
set(compared 0)
foreach(scenario IN LISTS SCENARIOS)
  foreach(seed IN LISTS SEEDS)
    foreach(which A B)
      execute_process(COMMAND ${SIM_${which}} run ${scenario} --seed ${seed}
                      OUTPUT_VARIABLE out_${which} RESULT_VARIABLE rc_${which})
      string(REGEX MATCH "trace=[0-9a-f]+" hash_${which} "${out_${which}}")
      if(NOT hash_${which})
        message(FATAL_ERROR "no trace hash from ${SIM_${which}} run ${scenario} --seed ${seed}:\n${out_${which}}")
      endif()
    endforeach()
    if(NOT hash_A STREQUAL hash_B)
      message(FATAL_ERROR "trace hashes differ between builds for ${scenario} --seed ${seed}: "
                          "${hash_A} (${SIM_A}) vs ${hash_B} (${SIM_B})")
    endif()
    math(EXPR compared "${compared} + 1")
  endforeach()
endforeach()
message(STATUS "${compared} runs gave the same trace hash in both builds")
