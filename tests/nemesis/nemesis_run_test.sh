#!/usr/bin/env bash
# nemesis.short_run: confman-nemesis for 60 s against three real servers in
# network namespaces, every fault kind it has (crash, pause, partition,
# isolate-leader, one-way), asserting safety (linearizable, no acknowledged
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

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIPPED: confman-nemesis needs root to create network namespaces"
  exit 77
fi
if ! command -v ip >/dev/null; then
  echo "SKIPPED: iproute2's ip is not installed (tools/install-deps.sh installs it)"
  exit 77
fi
probe="cmnprobe$$"
if ! ip netns add "$probe" 2>/tmp/nemesis-probe.$$; then
  echo "SKIPPED: cannot create a network namespace here: $(cat /tmp/nemesis-probe.$$)"
  rm -f /tmp/nemesis-probe.$$
  exit 77
fi
ip netns del "$probe"
rm -f /tmp/nemesis-probe.$$

status=0
out=$("$nemesis" --seed 11 --duration 60 --clients 16 --request-timeout-ms 150 --attempts 1 \
        --failover-bound-ms 10000) || status=$?
echo "$out"
line=$(head -1 <<<"$out")
for expected in "linearizability=linearizable" "lost_acked_writes=0" "diverged_keys=0" "unexpected_exits=0" \
                "verdict=ok"; do
  if ! grep -q "$expected" <<<"$line"; then
    echo "FAILED: the summary lacks $expected"
    exit 1
  fi
done
exit "$status"
