#!/usr/bin/env bash
# A distributed sweep on a real Slurm: starts a one-node Slurm (munged,
# slurmctld, slurmd) under a scratch folder on non-default ports, submits a
# 4-task array of tools/slurm/sweep.sbatch, waits for it, merges the shards
# with `confman-sim report`, and compares every (scenario, seed, trace hash,
# verdict) with a local sweep of the same seeds. Stops only the daemons it
# started, by PID. ctest label "slurm"; needs slurm-wlm and munge
# (tools/install-deps.sh) and root (Slurm's daemons run as root here).
#   tests/slurm/slurm_sweep_test.sh CONFMAN_SIM SOURCE_DIR
set -euo pipefail
sim=$(realpath "${1:?path to confman-sim}")
source_dir=$(realpath "${2:?the repository root}")
for tool in munged slurmctld slurmd sbatch squeue sinfo; do
  command -v "$tool" > /dev/null || { echo "slurm test: $tool not found (tools/install-deps.sh installs slurm-wlm and munge)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "slurm test: Slurm's daemons need root here" >&2; exit 1; }

work=$(mktemp -d /tmp/confman-slurm.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "slurm test: $*" >&2
  for log in "$work"/log/*.log "$work"/*.out; do [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }; done
  exit 1
}

mkdir -p "$work"/{munge,state,spool,log,run,jobs}
chmod 700 "$work/munge"
head -c 1024 /dev/urandom > "$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
munged --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/log/munged.log" --seed-file="$work/munge/munged.seed" --foreground --force 2> /dev/null &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.socket" ] || fail "munged did not start"

cat > "$work/slurm.conf" << CONF
ClusterName=confmantest
SlurmctldHost=localhost
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
NodeName=localhost CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -f "$SLURM_CONF" > "$work/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" > "$work/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do sinfo -h -o %t 2> /dev/null | grep -q idle && break; sleep 0.2; done
sinfo -h -o %t 2> /dev/null | grep -q idle || fail "the Slurm node never became idle"

seeds=1..6
targets=("$source_dir/scenarios/basic-3.toml" "$source_dir/scenarios/crash-restart-3.toml")
mkdir -p "$work/scenarios"
cp "${targets[@]}" "$work/scenarios/"
job=$(cd "$work/jobs" && sbatch --parsable --array=1-4 --export=ALL,CONFMAN_SIM="$sim" \
  "$source_dir/tools/slurm/sweep.sbatch" "$work/scenarios" "$seeds") || fail "sbatch refused the job"
job=${job%%;*}
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$job" 2> /dev/null)" ] && break
  sleep 0.2
done
[ -z "$(squeue -h -j "$job" 2> /dev/null)" ] || fail "the array job $job did not finish in 120 s"
shards=("$work/jobs"/sweep-shard-*-of-4.jsonl)
[ "${#shards[@]}" = 4 ] || fail "expected 4 shard files, found ${#shards[@]}"
"$sim" report "${shards[@]}" > "$work/report.txt" || fail "confman-sim report failed: $(cat "$work/report.txt")"
(cd "$work" && "$sim" sweep "$work/scenarios" --seeds "$seeds" --jobs 2 --results "$work/local.jsonl" > /dev/null) ||
  fail "the local sweep failed"

# scenario seed trace_hash passed, one line per run, sorted.
runs() {
  sed -E 's/.*"scenario":"([^"]*)".*"seed":([0-9]+).*"passed":(true|false).*"trace_hash":"([0-9a-f]+)".*/\1 \2 \4 \3/' "$@" | sort
}
runs "${shards[@]}" > "$work/merged.txt"
runs "$work/local.jsonl" > "$work/local.txt"
[ "$(wc -l < "$work/local.txt")" = 12 ] || fail "expected 12 local runs, got $(wc -l < "$work/local.txt")"
diff "$work/local.txt" "$work/merged.txt" > "$work/diff.txt" || fail "the merged shards differ from the local sweep: $(cat "$work/diff.txt")"
grep -q "report: 12 passed, 0 failed" "$work/report.txt" || fail "unexpected report: $(cat "$work/report.txt")"
echo "slurm test: 4 array tasks, 12 runs merged; verdicts and trace hashes equal a local sweep"
