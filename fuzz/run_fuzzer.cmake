# Runs one libFuzzer target briefly, for ctest (label "fuzz"):
#   cmake -DFUZZER=... -DSEED_CORPUS=... [-DREPRODUCERS=...] -DWORK_DIR=... -DRUNS=... -DMAX_SECONDS=...
#         -P run_fuzzer.cmake
# The run starts from a fresh working corpus, so new inputs never land in the
# checked-in seeds and every run starts alike; with a fixed seed and a
# bounded number of runs it repeats (MAX_SECONDS only guards a slow machine).
# A failing input is kept in WORK_DIR/artifacts/ until the next run.
foreach(variable FUZZER SEED_CORPUS WORK_DIR RUNS MAX_SECONDS)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "run_fuzzer.cmake needs -D${variable}=...")
  endif()
endforeach()

# Inputs that once failed run first, with the seeds.
set(extra_corpora "")
if(DEFINED REPRODUCERS AND IS_DIRECTORY "${REPRODUCERS}")
  list(APPEND extra_corpora "${REPRODUCERS}")
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/corpus" "${WORK_DIR}/artifacts")
execute_process(
  COMMAND "${FUZZER}" -seed=1 -runs=${RUNS} -max_total_time=${MAX_SECONDS} -timeout=10
          -print_final_stats=1 "-artifact_prefix=${WORK_DIR}/artifacts/"
          "${WORK_DIR}/corpus" "${SEED_CORPUS}" ${extra_corpora}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(GLOB artifacts "${WORK_DIR}/artifacts/*")
  message(FATAL_ERROR "${FUZZER} failed (${result}); failing input: ${artifacts}\n"
                      "Reproduce: ${FUZZER} <that file>")
endif()
