#!/bin/bash
# test-slurm.sh: contrib/slurm's job-array scripts on a real one-node SLURM
# cluster on localhost, started and stopped here.
#
# A tune search split over a two-task array with a dependent merge job must
# give the table of one whole run, trial by trial; a task that lost its last
# trial, submitted again alone, trains just that trial.  Predictions split
# over a two-task array with a dependent concatenation job must be byte for
# byte those of one whole run.
#
# Everything the cluster needs is in a folder of its own (configuration, munge
# key and socket, state, spool, logs), with free ports found at start, so two
# runs never share anything.  Every daemon started here is stopped by its PID
# when the test ends, also when it fails; daemons a killed earlier run left
# behind are stopped at the start (only those whose command line names that
# run's folder).  Needs root and Debian's slurm-wlm and munge; skips (77)
# without them, unless $CI is set: then it fails.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

skip () {
  if [ -n "${CI:-}" ]; then
    echo "test-slurm: $* (CI is set: failing instead of skipping)" >&2
    exit 1
  fi
  echo "test-slurm: skipped: $*"
  exit 77
}

[ "$(id -u)" -eq 0 ] || skip "needs root to run munged, slurmctld and slurmd"
for program in flock munged munge slurmctld slurmd sbatch scontrol sinfo squeue scancel python3; do
  command -v "$program" > /dev/null || skip "$program is not installed (Debian packages slurm-wlm and munge)"
done

cli="$PASSBAND_BUILD_DIR/src/cli/passband-cli"
scripts="$PASSBAND_SOURCE_DIR/contrib/slurm"
parent="${TMPDIR:-/tmp}"

# ---- daemons of an earlier run that was killed before it could stop them
for old in "$parent"/passband-slurm-*/; do
  [ -f "$old/test.pid" ] || continue
  kill -0 "$(cat "$old/test.pid")" 2> /dev/null && continue   # a run in progress
  for pidfile in "$old"/*.daemon-pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -qF "${old%/}/"; then
      kill -KILL "$pid" 2> /dev/null || true
    fi
  done
  rm -rf "$old"
done

work=$(mktemp -d "$parent/passband-slurm-XXXXXX")
echo $$ > "$work/test.pid"
mkdir -p "$work/state" "$work/spool" "$work/out"
export SLURM_CONF="$work/slurm.conf"
daemons=()
jobs_submitted=()

log_tail () {
  for f in "$work"/*.log "$work"/out/*; do
    [ -f "$f" ] && { echo "---- $f"; tail -n 30 "$f"; }
  done
}

stop_everything () {
  local status=$? pid i
  trap - EXIT INT TERM
  if [ ${#jobs_submitted[@]} -gt 0 ]; then
    scancel "${jobs_submitted[@]}" 2> /dev/null || true
  fi
  # in reverse order of starting: slurmd, slurmctld, munged
  for ((i = ${#daemons[@]} - 1; i >= 0; i--)); do
    pid=${daemons[i]}
    kill -TERM "$pid" 2> /dev/null || continue
    for _ in $(seq 50); do
      kill -0 "$pid" 2> /dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  done
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
    log_tail >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap stop_everything EXIT
trap 'exit 130' INT TERM

# starts a daemon in the foreground of a background job and records its PID
start_daemon () {  # NAME COMMAND...
  local name=$1
  shift
  "$@" > "$work/$name.stdout.log" 2>&1 9>&- &
  daemons+=($!)
  echo $! > "$work/$name.daemon-pid"
}

wait_for () {  # SECONDS WHAT COMMAND...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do
    "$@" > /dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "test-slurm: $what did not happen within $seconds s" >&2
  return 1
}

# ---- munge with its own key and socket
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 status=none
chmod 0400 "$work/munge.key"
socket="$work/munge.socket"
start_daemon munged munged --foreground --force --socket="$socket" --key-file="$work/munge.key" \
  --log-file="$work/munged.log" --pid-file="$work/munged.pid" --seed-file="$work/munged.seed"
wait_for 20 "munged answering on $socket" sh -c "munge -S '$socket' -n | unmunge -S '$socket'"

# ---- two free ports outside the ephemeral range, and the configuration;
# a run holds the lock from choosing its ports until its daemons listen on
# them, so runs at the same time cannot choose the same ports
exec 9> "$parent/passband-slurm.lock"
flock -w 300 9
read -r ctld_port slurmd_port < <(python3 - << 'PY'
import random, socket
ports = []
while len(ports) < 2:
    port = random.randrange(20000, 30000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        ports.append(port)
    except OSError:
        pass
    finally:
        s.close()
print(*ports)
PY
)
host=$(hostname -s)
cat > "$SLURM_CONF" << EOF
ClusterName=pb$(basename "$work" | tr -dc 'a-z0-9' | tail -c 10)
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=passband Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

start_daemon slurmctld slurmctld -D -i -f "$SLURM_CONF"
start_daemon slurmd slurmd -D -f "$SLURM_CONF"

# ---- what one whole run gives, while the cluster comes up
cat > "$work/space.json" << 'EOF'
{"format": "passband-search", "version": 1, "parameters": [
  {"path": "layers[0].units", "values": [4, 8]},
  {"path": "training.learning_rate", "min": 1e-3, "max": 1e-2, "log": true}]}
EOF
cat > "$work/spec.json" << 'EOF'
{"format": "passband-model", "version": 1, "name": "slurm",
 "layers": [{"type": "gru", "units": 8},
   {"type": "dense", "units": "classes", "activation": "softmax"}],
 "training": {"epochs": 1, "batch_size": 32, "seed": 3, "val_fraction": 0.25}}
EOF
tune_args=(--data sim:120 --model "$work/spec.json" --space "$work/space.json" --trials 4 --seed 5 --epochs 1)
"$cli" tune "${tune_args[@]}" --out "$work/one" > /dev/null
"$cli" simulate --objects 600 --seed 7 --out "$work/sim" > /dev/null
data="$work/sim/training_set.csv"
model="$work/one/best-model.json"
"$cli" predict --model "$model" --data "$data" --out "$work/whole.csv" > /dev/null

wait_for 60 "node $host idle" sh -c "sinfo -h -n '$host' -o %t | grep -qx idle"
exec 9>&-

export PASSBAND_CLI="$cli"
submit () {  # SBATCH-ARGS... : prints the job id
  local id
  id=$(sbatch --parsable --chdir="$work" --output="$work/out/%x-%A_%a.out" "$@")
  id=${id%%;*}
  jobs_submitted+=("$id")
  echo "$id"
}

# JobState of job ID (its array tasks: every one)
job_states () {
  scontrol -o show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' '
}

wait_job () {  # ID WHAT
  local id=$1 what=$2 states=""
  for _ in $(seq 1200); do
    states=$(job_states "$id")
    case $states in
      "COMPLETED ") return 0 ;;
      *FAILED*|*CANCELLED*|*TIMEOUT*|*NODE_FAIL*|*OUT_OF_MEMORY*)
        echo "test-slurm: $what (job $id) ended $states" >&2
        return 1 ;;
    esac
    # a dependency that can never be met leaves the job pending for ever
    if scontrol -o show job "$id" | grep -q "Reason=DependencyNeverSatisfied"; then
      echo "test-slurm: $what (job $id): its dependency failed" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "test-slurm: $what (job $id) still $states after 120 s" >&2
  return 1
}

# ---- tune: array of two shards, then the merge
tune_array=$(submit --array=0-1 --job-name=tune "$scripts/passband-tune.sbatch" 2 "${tune_args[@]}" \
  --out "$work/sharded")
tune_merge=$(submit --dependency="afterany:$tune_array" --job-name=merge "$scripts/passband-tune.sbatch" \
  merge --out "$work/sharded")

# ---- predict: array of two shards, then the concatenation
predict_array=$(submit --array=0-1 --job-name=predict "$scripts/passband-predict.sbatch" 2 \
  --model "$model" --data "$data" --out "$work/sharded.csv")
predict_concat=$(submit --dependency="afterok:$predict_array" --kill-on-invalid-dep=yes --job-name=concat \
  "$scripts/passband-predict.sbatch" concat 2 "$work/sharded.csv")

wait_job "$tune_merge" "the tune merge"
wait_job "$tune_array" "the tune array"
wait_job "$predict_concat" "the prediction concatenation"
wait_job "$predict_array" "the prediction array"

# trial lines without the wall times, in order
trials () {
  python3 - "$1" << 'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("event") == "trial":
        o.pop("seconds")
        o.pop("train_seconds", None)
        print(json.dumps(o, sort_keys=True))
PY
}

# the shard files carry SLURM's task numbers
for i in 0 1; do
  [ -f "$work/sharded/trials-shard-$i-of-2.jsonl" ] || { echo "test-slurm: no trials-shard-$i-of-2.jsonl" >&2; exit 1; }
  [ -f "$work/sharded-shard-$i-of-2.csv" ] || { echo "test-slurm: no sharded-shard-$i-of-2.csv" >&2; exit 1; }
done
trials "$work/one/trials.jsonl" > "$work/one.trials"
trials "$work/sharded/trials.jsonl" > "$work/sharded.trials"
[ "$(wc -l < "$work/one.trials")" -eq 4 ] || { echo "test-slurm: the whole run has not 4 trials" >&2; exit 1; }
if ! diff -u "$work/one.trials" "$work/sharded.trials"; then
  echo "test-slurm: the merged table differs from the whole run's" >&2
  exit 1
fi
if ! cmp "$work/whole.csv" "$work/sharded.csv"; then
  echo "test-slurm: the concatenated predictions differ from the whole run's" >&2
  exit 1
fi
[ "$(wc -l < "$work/sharded.csv")" -eq 601 ] || { echo "test-slurm: predictions for 600 objects expected" >&2; exit 1; }
# the concatenation refuses a shard that is missing and leaves the output alone
mv "$work/sharded-shard-1-of-2.csv" "$work/aside.csv"
if bash "$scripts/passband-predict.sbatch" concat 2 "$work/sharded.csv" 2> "$work/concat.err"; then
  echo "test-slurm: the concatenation accepted a missing shard" >&2
  exit 1
fi
grep -q "no predictions from shard 1 of 2 .*--array=1 " "$work/concat.err" \
  || { echo "test-slurm: the refused concatenation does not name shard 1" >&2; exit 1; }
cmp -s "$work/whole.csv" "$work/sharded.csv" || { echo "test-slurm: a refused concatenation changed its output" >&2; exit 1; }

# ---- a task that died after its first trial: its shard file as such a run
# leaves it (trials are saved one by one, the end mark only at the end)
head -n 1 "$work/sharded/trials-shard-1-of-2.jsonl" > "$work/killed.jsonl"
mv "$work/killed.jsonl" "$work/sharded/trials-shard-1-of-2.jsonl"
rm "$work/sharded/trials.jsonl"
refused=$(submit --job-name=refused "$scripts/passband-tune.sbatch" merge --out "$work/sharded")
if wait_job "$refused" "the merge of an unfinished search" 2> /dev/null; then
  echo "test-slurm: the merge accepted a shard that did not finish" >&2
  exit 1
fi
grep -q "shard 1 did not finish" "$work"/out/refused-*.out \
  || { echo "test-slurm: the refused merge does not name shard 1" >&2; exit 1; }
rerun=$(submit --array=1 --job-name=rerun "$scripts/passband-tune.sbatch" 2 "${tune_args[@]}" \
  --out "$work/sharded" --json)
merge2=$(submit --dependency="afterany:$rerun" --job-name=merge2 "$scripts/passband-tune.sbatch" merge \
  --out "$work/sharded")
wait_job "$merge2" "the merge after the rerun"
wait_job "$rerun" "the rerun of task 1"
# the rerun trained only the lost trial (index 3: shard 1 has trials 1 and 3)
retrained=$(grep -c '"event":"trial"' "$work"/out/rerun-*.out)
[ "$retrained" -eq 1 ] || { echo "test-slurm: the rerun trained $retrained trials, not 1" >&2; exit 1; }
grep -q '"event":"trial","trial":3,' "$work"/out/rerun-*.out \
  || { echo "test-slurm: the rerun did not train trial 3" >&2; exit 1; }
trials "$work/sharded/trials.jsonl" > "$work/sharded.trials"
if ! diff -u "$work/one.trials" "$work/sharded.trials"; then
  echo "test-slurm: after the rerun the merged table differs from the whole run's" >&2
  exit 1
fi
echo "test-slurm: tune and predict arrays on SLURM match one whole run"
