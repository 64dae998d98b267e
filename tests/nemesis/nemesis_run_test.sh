#!/usr/bin/env bash
# nemesis.short_run: confman-nemesis for 60 s against three real servers in
# network namespaces, every fault kind it has (crash, pause, partition,
# isolate-leader, one-way, bridge, lossy-links, transfer-leader, disk-full,
# slow-disk, disk-error, clock-jump), asserting safety (linearizable, no acknowledged
# write lost, every node ends with the same data) and, on a shared CI
# machine, only a generous bound on failover (10 s, against the tool's
# default of 5 s). Clients time out fast (150 ms, one attempt), so many
# writes end of unknown outcome and the checker has real work.
#
#   nemesis_run_test.sh CONFMAN_NEMESIS [FLAGS...]
#
# FLAGS replace the run's (nemesis.scenario_run passes a scenario file:
# the simulator's scenario driving real servers), and the same summary is
# asserted.
#
# Exits 77 (ctest: skipped) only when network namespaces cannot be made
# here (not root, or no `ip`), and says so.
set -euo pipefail

nemesis=$1
shift
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
  flags=(--seed 11 --duration 60 --clients 16 --request-timeout-ms 150 --attempts 1 --failover-bound-ms 10000)
fi

source "$(dirname "$0")/namespaces_or_skip.sh"

status=0
out=$("$nemesis" "${flags[@]}") || status=$?
echo "$out"
line=$(grep '^seed=' <<<"$out" | head -1)
for expected in "linearizability=linearizable" "lost_acked_writes=0" "converged=yes" "diverged_keys=0" "unexpected_exits=0" \
                "verdict=ok"; do
  if ! grep -q "$expected" <<<"$line"; then
    echo "FAILED: the summary lacks $expected"
    exit 1
  fi
done
exit "$status"
