#!/usr/bin/env bash
# nemesis.short_run: confman-nemesis for 60 s against three real servers in
# network namespaces, every fault kind it has (crash, pause, partition,
# isolate-leader, one-way, disk-full, slow-disk, disk-error, clock-jump),
# asserting safety (linearizable, no acknowledged
# write lost, every node ends with the same data) and, on a shared CI
# machine, only a generous bound on failover (10 s, against the tool's
# default of 5 s). Clients time out fast (150 ms, one attempt), so many
# writes end of unknown outcome and the checker has real work.
#
#   nemesis_run_test.sh CONFMAN_NEMESIS
#
# Exits 77 (ctest: skipped) only when network namespaces cannot be made
# here (not root, or no `ip`), and says so.
set -euo pipefail

nemesis=$1

source "$(dirname "$0")/namespaces_or_skip.sh"

status=0
out=$("$nemesis" --seed 11 --duration 60 --clients 16 --request-timeout-ms 150 --attempts 1 \
        --failover-bound-ms 10000) || status=$?
echo "$out"
line=$(head -1 <<<"$out")
for expected in "linearizability=linearizable" "lost_acked_writes=0" "converged=yes" "diverged_keys=0" "unexpected_exits=0" \
                "verdict=ok"; do
  if ! grep -q "$expected" <<<"$line"; then
    echo "FAILED: the summary lacks $expected"
    exit 1
  fi
done
exit "$status"
