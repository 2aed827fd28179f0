#!/bin/sh
# Speed of reading JSON Lines: json_loadb against tp_json_parse over the
# BBC news folder made into JSON Lines, then the runner's pass-through of
# that file against `jq -c .`, in CPU time (user + system).
#
# usage: bench/jsonr/run.sh [DATA_DIR] [BUILD_DIR] [RUNS] [OTHER_TEXTPIPE]
#   DATA_DIR        the shared data folder (default: ../shared/data from the
#                   repository root); the texts are read from DATA_DIR/bbc-news
#   BUILD_DIR       where the project was built (default: the current folder)
#   RUNS            timed passes (default 7)
#   OTHER_TEXTPIPE  another textpipe program to time beside this one (e.g. a
#                   build from before a change); it must load the
#                   pass-through plugin from BUILD_DIR/tests/plugins
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${1:-$root/../shared/data}
build=$(cd "${2:-.}" && pwd)
runs=${3:-7}
other=${4:-}
prog=$build/bench/jsonr/bench_jsonr
textpipe=$build/textpipe
plugins=$build/tests/plugins
for f in "$prog" "$textpipe" "$plugins/passthrough.la"; do
    if [ ! -e "$f" ]; then
        echo "$f not found: build the project first (make && make check)," \
            "or name the build folder" >&2
        exit 2
    fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
printf 'stages: [{plugin: passthrough}]\n' >"$work/pt.yaml"
"$textpipe" run "$work/pt.yaml" "$data/bbc-news" --plugin-path "$plugins" -q >"$work/bbc.jsonl"
echo "input: $data/bbc-news made into JSON Lines by a pass-through run"

echo
echo "== parsers, one thread, file in memory =="
"$prog" "$work/bbc.jsonl" "$runs"

echo
echo "== pass-through of the JSON Lines file, CPU time (user + system) =="
set -- "$textpipe run $work/pt.yaml - --plugin-path $plugins -q -j 1 <$work/bbc.jsonl >/dev/null" \
    "jq -c . <$work/bbc.jsonl >/dev/null"
names="textpipe-j1 jq"
if [ -n "$other" ]; then
    set -- "$@" "$other run $work/pt.yaml - --plugin-path $plugins -q -j 1 <$work/bbc.jsonl >/dev/null"
    names="$names other-j1"
fi
hyperfine -S sh --style basic --warmup 1 --runs "$runs" --export-json "$work/h.json" "$@" >/dev/null
python3 - "$work/h.json" "$work/bbc.jsonl" $names <<'EOF'
import json, os, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
mb = os.path.getsize(sys.argv[2]) / 1e6
names = sys.argv[3:]
cpu = {}
for name, r in zip(names, results):
    # hyperfine keeps per-run user and system times from version 1.16;
    # before that only their means
    if "user_times" in r:
        t = statistics.median(u + s for u, s in zip(r["user_times"], r["system_times"]))
        how = "median"
    else:
        t = r["user"] + r["system"]
        how = "mean"
    cpu[name] = t
    print("%-12s %7.3f s CPU (%s of %d), %6.1f MB/s CPU, %6.3f s wall (median)"
          % (name, t, how, len(r["times"]), mb / t, statistics.median(r["times"])))
print("textpipe -j 1 is %.2fx jq -c . in CPU time (%.2f MB)" % (cpu["jq"] / cpu["textpipe-j1"], mb))
if "other-j1" in cpu:
    print("textpipe -j 1 is %.2fx the other textpipe in CPU time" % (cpu["other-j1"] / cpu["textpipe-j1"]))
EOF
