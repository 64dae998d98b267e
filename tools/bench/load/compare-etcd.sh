#!/usr/bin/env bash
# One run, one machine: a 3-node Confman cluster and then a 3-node etcd
# cluster on loopback, both with durable writes and data under one temporary
# directory, each measured by confman-load with the same settings.
#   tools/bench/load/compare-etcd.sh [SECONDS] [CLIENTS]
# Needs build/ (confman-server, confman-load) and Debian's etcd-server and
# etcd-client.
set -euo pipefail
cd "$(dirname "$0")/../../.."
seconds=${1:-10}
clients=${2:-1,16,64}
work=$(mktemp -d)
# Only the processes started here are stopped, by PID.
pids=()
trap 'kill "${pids[@]}" 2> /dev/null || true; wait 2> /dev/null || true; rm -rf "$work"' EXIT
command -v etcd > /dev/null || { echo "etcd not found: apt-get install etcd-server" >&2; exit 2; }
command -v etcdctl > /dev/null || { echo "etcdctl not found: apt-get install etcd-client" >&2; exit 2; }

members="--member 1=127.0.0.1:7301,127.0.0.1:8301 --member 2=127.0.0.1:7302,127.0.0.1:8302 --member 3=127.0.0.1:7303,127.0.0.1:8303"
for i in 1 2 3; do
  build/real/confman-server --id $i --data-dir "$work/confman-$i" $members 2> "$work/confman-$i.log" &
  pids+=($!)
done
confman_leader=""
for attempt in $(seq 50); do
  confman_leader=$(curl -sf 127.0.0.1:8301/health/ready | sed -n 's/.*"leader":\([0-9]*\).*/\1/p' || true)
  [ -n "$confman_leader" ] && break
  sleep 0.2
done
build/tools/bench/confman-load --endpoints "127.0.0.1:830${confman_leader:-1}" --clients "$clients" --seconds "$seconds"
kill -TERM "${pids[@]}" 2> /dev/null || true
wait 2> /dev/null || true
pids=()

cluster=e1=http://127.0.0.1:2381,e2=http://127.0.0.1:2382,e3=http://127.0.0.1:2383
for i in 1 2 3; do
  etcd --name e$i --data-dir "$work/etcd-$i" \
    --listen-client-urls http://127.0.0.1:237$i --advertise-client-urls http://127.0.0.1:237$i \
    --listen-peer-urls http://127.0.0.1:238$i --initial-advertise-peer-urls http://127.0.0.1:238$i \
    --initial-cluster $cluster 2> "$work/etcd-$i.log" &
  pids+=($!)
done
leader=""
for attempt in $(seq 50); do
  leader=$(ETCDCTL_API=3 etcdctl --endpoints 127.0.0.1:2371,127.0.0.1:2372,127.0.0.1:2373 endpoint status 2> /dev/null |
           awk -F', ' '$5 == "true" {print $1}' | head -1 || true)
  [ -n "$leader" ] && break
  sleep 0.2
done
build/tools/bench/confman-load --target etcd --endpoints "${leader:-127.0.0.1:2371}" --clients "$clients" --seconds "$seconds"
