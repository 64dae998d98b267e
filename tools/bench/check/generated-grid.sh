#!/usr/bin/env bash
# The checker's stress grid, as a user would run it: for each model, size,
# share of indeterminate operations and planted anomaly, confman-histgen
# writes a history to a file and confman-check (the CLI, default limits:
# 2 GiB per partition, 60 s, every core) judges it. Prints one Markdown row
# per setting: the verdict against the planted one, wall time of the whole
# process (reading and parsing the file included) and the process's peak
# resident memory (the kernel's count, from confman-check --json).
#
#   tools/bench/check/generated-grid.sh [BUILD_DIR] [--quick]
#
# --quick runs only the 10 x 1,000 x 10 row of each model. Exit status 1 if
# any setting is not decided with the planted verdict.
set -euo pipefail

build=build
quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) build=$arg ;;
  esac
done
histgen="$build/tools/histgen/confman-histgen"
check="$build/check/confman-check"
for tool in "$histgen" "$check"; do
  [ -x "$tool" ] || { echo "generated-grid.sh: $tool not built (ninja -C $build)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sizes=("10 1000 10" "50 10000 1" "50 10000 10" "50 10000 100" "200 100000 100")
[ "$quick" = 1 ] && sizes=("10 1000 10")
anomalies=(none stale-read lost-write duplicate-write phantom-read)
failed=0

echo "| model | clients × ops × keys | indeterminate | anomaly | verdict | wall | peak RSS |"
echo "|---|---|---|---|---|---|---|"
for model in append-kv cas-register confman-kv; do
  for size in "${sizes[@]}"; do
    read -r clients operations keys <<<"$size"
    for info in 0 0.05; do
      for anomaly in "${anomalies[@]}"; do
        history="$work/h"
        "$histgen" --model "$model" --clients "$clients" --operations "$operations" --keys "$keys" \
          --indeterminate "$info" --anomaly "$anomaly" --seed 7 >"$history" 2>/dev/null
        start_ns=$(date +%s%N)
        report=$("$check" --json "$history" || true)
        wall_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
        verdict=$(grep -o '"verdict":"[a-z ]*"' <<<"$report" | head -1 | cut -d'"' -f4)
        rss_bytes=$(grep -o '"process_peak_rss_bytes":[0-9]*' <<<"$report" | cut -d: -f2)
        expected="not linearizable"
        [ "$anomaly" = none ] && expected="linearizable"
        mark="$verdict"
        if [ "$verdict" != "$expected" ]; then
          mark="**$verdict (planted: $expected)**"
          failed=1
        fi
        echo "| $model | $clients × $operations × $keys | $info | $anomaly | $mark | ${wall_ms} ms | $(( ${rss_bytes:-0} >> 20 )) MiB |"
      done
    done
  done
done
exit $failed
