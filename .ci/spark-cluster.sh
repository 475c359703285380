#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1 — one master and two workers from target/spark-lib (the jars
# `./mvnw -Pspark package` copies) — then: the quickstart submitted to it through SparkSubmit (what spark-submit runs)
# must write the files of a local run; a longer sweep must still complete with identical files when one worker is
# killed mid-sweep (Spark retries its tasks on the other). Everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
test -s target/astradse-spark.jar && test -d target/spark-lib || { echo "run ./mvnw -Pspark -DskipTests package first"; exit 1; }
work=target/spark-ci
rm -rf "$work" && mkdir -p "$work/home/jars" "$work/logs"
# a minimal SPARK_HOME: workers build executor command lines from $SPARK_HOME/jars (a RELEASE file marks a
# distribution's layout; SPARK_SCALA_VERSION spares the launcher looking for build directories)
for j in target/spark-lib/*.jar; do ln -s "$(pwd)/$j" "$work/home/jars/"; done
echo "Spark jars of astradse's spark-lib" > "$work/home/RELEASE"
export SPARK_HOME="$(pwd)/$work/home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_WORKER_DIR="$(pwd)/$work/worker"
port=$(( 20000 + RANDOM % 20000 ))
master="spark://127.0.0.1:$port"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
java -cp "target/spark-lib/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0 \
  > "$work/logs/master.log" 2>&1 & pids+=($!)
for w in 1 2; do
  java -cp "target/spark-lib/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 1g --webui-port 0 \
    --work-dir "$SPARK_WORKER_DIR/$w" "$master" > "$work/logs/worker$w.log" 2>&1 & pids+=($!)
done
for _ in $(seq 1 120); do
  [ "$(grep -c 'Registering worker' "$work/logs/master.log" 2>/dev/null || true)" -ge 2 ] && break; sleep 0.5
done
grep -c 'Registering worker' "$work/logs/master.log" | grep -q 2 || { echo "workers did not register"; cat "$work"/logs/*.log; exit 1; }
submit() {
  java -cp "target/spark-lib/*" org.apache.spark.deploy.SparkSubmit --master "$master" --conf spark.executor.memory=768m \
    --conf spark.ui.enabled=false --class org.astradse.spark.SparkMain target/astradse-spark.jar "$@"
}
same() { # the files of two runs, the manifest's timing aside
  for f in points.csv pareto.csv pareto.svg; do cmp "$1/$f" "$2/$f" || { echo "$f differs: $1 vs $2"; exit 1; }; done
  python3 - "$1/manifest.json" "$2/manifest.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
a.pop("timing"); b.pop("timing")
sys.exit(0 if a == b else "manifests differ beyond timing")
PY
}
java -jar target/astradse.jar sweep sweeps/quickstart.yaml --out "$work/local-quickstart" 2>/dev/null
submit sweep sweeps/quickstart.yaml --out "$work/cluster-quickstart"
same "$work/local-quickstart" "$work/cluster-quickstart"
echo "standalone cluster: the quickstart's files equal the local run's"
# kill one worker (and its executor) while a 120,000-point sweep runs; Spark re-runs the lost tasks on the other
java -jar target/astradse.jar sweep sweeps/bench-100k.yaml --out "$work/local-bench" 2>/dev/null
submit sweep sweeps/bench-100k.yaml --task-size 2000 --out "$work/cluster-bench" > "$work/logs/driver-bench.log" 2>&1 & submitter=$!
for _ in $(seq 1 240); do
  [ -s "$work/cluster-bench/points.csv" ] && [ "$(wc -l < "$work/cluster-bench/points.csv")" -gt 2000 ] && break; sleep 0.25
done
rows=$(wc -l < "$work/cluster-bench/points.csv")
# worker 2 and the executor it started (its working directory is under worker 2's work dir)
pkill -9 -f -- "--work-dir $SPARK_WORKER_DIR/2" || true
for p in $(pgrep -f CoarseGrainedExecutorBackend || true); do
  case "$(readlink "/proc/$p/cwd" 2>/dev/null)" in "$SPARK_WORKER_DIR"/2/*) kill -9 "$p" || true ;; esac
done
echo "killed worker 2 after $rows rows"
wait "$submitter" || { tail -40 "$work/logs/driver-bench.log"; exit 1; }
# the kill happened mid-run, and Spark noticed it
[ "$rows" -lt 120001 ] || { echo "the sweep ended before the kill: nothing tested"; exit 1; }
grep -q "Lost executor\|worker lost\|Removed worker\|lost worker" "$work/logs/driver-bench.log" "$work/logs/master.log" \
  || { echo "Spark did not lose an executor"; tail -40 "$work/logs/driver-bench.log"; exit 1; }
same "$work/local-bench" "$work/cluster-bench"
echo "standalone cluster: a sweep that lost a worker mid-run (after $rows of 120,001 lines) still wrote the local run's files"
