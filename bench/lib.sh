# Shared by the bench scripts (sourced): logging, statistics over repeated runs, wrk's units, BENCHMARKS.md blocks.

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stats() { # numbers on stdin -> "median min max"
    sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%s %s %s\n", m, a[1], a[NR]}'
}

to_ms() { # wrk latency (850.00us, 1.23ms, 1.02s) -> ms
    awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v+0} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v}'
}

benchmarks_block() { # $1 = block name; the block's text on stdin replaces <!-- results:NAME:... --> in BENCHMARKS.md
    python3 -c '
import re, sys
name, body = sys.argv[1], sys.stdin.read().rstrip("\n")
start, end = "<!-- results:%s:start -->" % name, "<!-- results:%s:end -->" % name
block = start + "\n" + body + "\n" + end
try:
    doc = open("BENCHMARKS.md").read()
except FileNotFoundError:
    doc = "# Benchmarks\n"
if start in doc:
    doc = re.sub(re.escape(start) + ".*" + re.escape(end), lambda m: block, doc, flags=re.S)
else:
    doc = doc.rstrip("\n") + "\n\n" + block + "\n"
open("BENCHMARKS.md", "w").write(doc)
' "$1"
}
