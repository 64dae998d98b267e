#!/usr/bin/env bash
# nemesis.canary_local_reads: confman-nemesis must catch a planted bug in
# the real server path. The canary server (confman-server-canary-local-reads,
# built over the request layer's canary core) answers linearizable reads
# from the contacted node's own state, with no read barrier; a follower that
# lags, or a leader cut off from the rest, then serves stale data. Up to five
# 20-second runs; the first that reports the history not linearizable
# passes the test.
#
#   nemesis_canary_test.sh CONFMAN_NEMESIS CANARY_SERVER
#
# Exits 77 (ctest: skipped) only when network namespaces cannot be made here.
set -euo pipefail

nemesis=$1
canary=$2
source "$(dirname "$0")/namespaces_or_skip.sh"

for seed in 1 2 3 4 5; do
  status=0
  out=$("$nemesis" --server "$canary" --seed "$seed" --duration 20 --clients 16 --faults partition,isolate-leader,pause) \
    || status=$?
  echo "$out"
  if [ "$status" -eq 1 ] && grep -q "linearizability=not-linearizable" <<<"$out"; then
    echo "caught at seed $seed"
    rm -rf "$(sed -n 's/^history and logs: //p' <<<"$out")"
    exit 0
  fi
done
echo "FAILED: five runs of the canary server were all judged linearizable"
exit 1
