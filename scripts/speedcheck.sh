#!/usr/bin/env bash
# speedcheck.sh — every acceptance figure of issue 17 (speed, round 2) in one
# run, for an idle machine: about 4–5 minutes on 2 cores (≤ 12; 244 s at
# load 1.4–1.9, its own included).
#
# Usage (repository root or anywhere in the checkout; Go, libopenblas-dev
# and, for (a), python3-torch):
#     scripts/speedcheck.sh            # the full check
#     scripts/speedcheck.sh --quick    # a smoke run: T=1024 peers only, one round (~3 min)
#     OUT=DIR scripts/speedcheck.sh --summary   # print the summary of an earlier run in DIR again
# Environment: OUT=DIR keeps the outputs there (default: a new /tmp/speedcheck.XXXXXX);
# RNNBENCH_PYTHON picks the PyTorch interpreter (default /usr/bin/python3).
#
# It builds rnnbench with OpenBLAS (-tags openblas; the binaries fix
# OPENBLAS_CORETYPE themselves) and prints:
#   (a) rnnbench against PyTorch point by point (bench run --task sweep
#       --peer torch, the table configuration of docs/speed.md: B=16,
#       D=E=64, V=16, one block): minGRU and minLSTM parallel and linear at
#       T=1024 and 4096, GRU, LSTM and the Transformer at T=1024;
#   (b) BenchmarkTrainStepWide (D=E=256, B=16, T=1024): the step's GFLOP/s
#       as a share of tensor.SgemmPeak measured in the same process just
#       before, and BenchmarkGemmShapes (the step's matmul shapes);
#   (c) 1 → 2 cores on the sweep's largest points (BenchmarkTrainStepSweep:
#       B=8, D=64, E=128, T=1024 and 4096), one process per GOMAXPROCS,
#       the two interleaved, and TestTrainStepDeterministic (same bits);
#   (d) allocations per step: TestTrainStepAllocations and the
#       benchmarks' allocs/op;
# then a summary against the issue's thresholds. Every figure is a median
# of the repetitions; the load average is printed before each part.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
summary=0
case "${1:-}" in
"") ;;
--quick) quick=1 ;;
--summary) summary=1 ;;
*)
	echo "speedcheck: unknown argument \"$1\"; allowed: --quick, --summary or nothing" >&2
	exit 2
	;;
esac
if [ $summary = 1 ] && [ ! -f "${OUT:-}/tests.txt" ]; then
	echo "speedcheck: --summary needs OUT set to the folder of an earlier run (no ${OUT:-\$OUT}/tests.txt)" >&2
	exit 2
fi
if [ $summary = 0 ]; then
if ! ldconfig -p 2>/dev/null | grep 'libopenblas\.so ' >/dev/null; then
	echo "speedcheck: libopenblas.so not found; install libopenblas-dev" >&2
	exit 2
fi
export RNNBENCH_PYTHON="${RNNBENCH_PYTHON:-/usr/bin/python3}"
if ! "$RNNBENCH_PYTHON" -c 'import torch' 2>/dev/null; then
	echo "speedcheck: $RNNBENCH_PYTHON cannot import torch; install python3-torch or set RNNBENCH_PYTHON" >&2
	exit 2
fi
OUT="${OUT:-$(mktemp -d /tmp/speedcheck.XXXXXX)}"
mkdir -p "$OUT"
export CGO_LDFLAGS="${CGO_LDFLAGS:-} -lopenblas"
start=$(date +%s)
# stolen: seconds of CPU the hypervisor gave to other guests since the start
# (the steal column of /proc/stat, in USER_HZ = 100 ticks per second); a
# figure taken while it grows is slower than this machine is.
stealTicks() { awk '/^cpu /{print $9}' /proc/stat; }
steal0=$(stealTicks)
stolen() { echo "$((($(stealTicks) - steal0) / 100))"; }
load() { echo "[$(($(date +%s) - start)) s, load $(cut -d' ' -f1-3 /proc/loadavg), stolen $(stolen) s] $*"; }

load "building with OpenBLAS into $OUT"
go build -tags openblas -o "$OUT/bench" ./cmd/bench
go test -tags openblas -c -o "$OUT/models.test" ./models
go test -tags openblas -c -o "$OUT/tensor.test" ./internal/tensor
echo "Go $(go env GOVERSION), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"

# (a) PyTorch side by side.
if [ $quick = 1 ]; then lens=1024 reps=5; else lens=1024,4096 reps=10; fi
F=(--batch 16 --dim 64 --expansion 1 --layers 1 --peer torch --repeats $reps)
peer() { # name, then bench flags
	local name=$1
	shift
	load "(a) bench run --task sweep $* ${F[*]}"
	"$OUT/bench" run --task sweep "$@" "${F[@]}" --out "$OUT/peer-$name" >"$OUT/peer-$name.md" 2>"$OUT/peer-$name.log" ||
		{ echo "speedcheck: the $name sweep failed, see $OUT/peer-$name.log" >&2; exit 1; }
	awk '/^## Side by side/{on=1} on&&/^\|/' "$OUT/peer-$name.md" | tee "$OUT/peer-$name.table"
}
peer parallel --model mingru,minlstm --mode parallel --lengths "$lens"
peer linear --model mingru,minlstm --mode linear --lengths "$lens"
peer others --model gru,lstm,transformer --lengths 1024

# (b) Share of the Sgemm rate at D=256, and the matmul shapes.
if [ $quick = 1 ]; then count=1; else count=5; fi
load "(b) BenchmarkTrainStepWide, -benchtime 3x -count $count"
GOMAXPROCS=2 "$OUT/models.test" -test.run '^$' -test.bench '^BenchmarkTrainStepWide$' -test.benchtime 3x \
	-test.count $count -test.benchmem | tee "$OUT/wide.txt" | grep '^Benchmark'
load "(b) BenchmarkGemmShapes and BenchmarkSgemmPeak, GOMAXPROCS 1 and 2"
for p in 1 2; do
	GOMAXPROCS=$p "$OUT/tensor.test" -test.run '^$' -test.bench '^Benchmark(GemmShapes|SgemmPeak)$' \
		-test.benchtime 0.3s | grep '^Benchmark' | sed "s/^/GOMAXPROCS=$p /"
done | tee "$OUT/gemm.txt"

# (c) 1 → 2 cores, one process per GOMAXPROCS, interleaved.
if [ $quick = 1 ]; then rounds=1; else rounds=3; fi
: >"$OUT/sweep.txt"
for r in $(seq $rounds); do
	for p in 1 2; do
		load "(c) round $r, GOMAXPROCS $p: BenchmarkTrainStepSweep -benchtime 3x -count 2"
		GOMAXPROCS=$p "$OUT/models.test" -test.run '^$' -test.bench '^BenchmarkTrainStepSweep$' -test.benchtime 3x \
			-test.count 2 -test.benchmem | grep '^Benchmark' | sed "s/^/GOMAXPROCS=$p /" | tee -a "$OUT/sweep.txt"
	done
done
load "(c, d) TestTrainStepDeterministic, TestTrainStepAllocations, TestGemmTilingBits"
tests=ok
"$OUT/models.test" -test.run '^(TestTrainStepDeterministic|TestTrainStepAllocations)$' -test.v >"$OUT/tests.txt" 2>&1 || tests=FAILED
"$OUT/tensor.test" -test.run '^(TestGemmTilingBits|TestGemmAllocatesNothing)$' -test.v >>"$OUT/tests.txt" 2>&1 || tests=FAILED
grep -E '^(--- |ok|FAIL|PASS)' "$OUT/tests.txt" || true
echo "$tests" >"$OUT/tests.verdict"
stolen >"$OUT/stolen.txt"
fi # measurements
start=${start:-$(date +%s)}
load() { echo "[$(($(date +%s) - start)) s, load $(cut -d' ' -f1-3 /proc/loadavg)] $*"; }
[ -f "$OUT/wide.txt" ] && count=$(grep -c '^BenchmarkTrainStepWide/mingru' "$OUT/wide.txt")
rounds=$(($(grep -c 'GOMAXPROCS=1 BenchmarkTrainStepSweep/mingru/T=1024' "$OUT/sweep.txt") / 2))
tests=$(cat "$OUT/tests.verdict")

# Summary.
load "done; outputs in $OUT"
echo
echo "## Summary against issue 17 ($(grep -m1 -ho 'OpenBLAS [0-9.]*, kernel [A-Za-z]*' "$OUT/peer-parallel/results.md" || echo 'backend: see the reports'))"
echo
echo "(a) rnnbench ÷ PyTorch, B=16 D=E=64 V=16 one block (median ms/step; speed-up = PyTorch ÷ rnnbench)"
cat "$OUT"/peer-{parallel,linear,others}.table | awk -F'|' '
function num(s) { gsub(/^ +| +$/, "", s); split(s, a, " "); sub(/×$/, "", a[1]); return a[1] + 0 }
$3 ~ /^ *[0-9]+ *$/ {
	name = $2; gsub(/ /, "", name); T = $3 + 0; ms = num($4); sp = num($8)
	key = name " T=" T; order[++n] = key; msOf[key] = ms; spOf[key] = sp; nameOf[key] = name; TOf[key] = T
}
END {
	for (i = 1; i <= n; i++) {
		k = order[i]; nm = nameOf[k]; need = 5; verdict = ""
		if (nm ~ /\/parallel$/) need = 10
		if (nm ~ /\/linear$/) {
			need = 10; p = nm; sub(/\/linear$/, "/parallel", p); pk = p " T=" TOf[k]
			if (pk in msOf) verdict = sprintf(", linear %s than parallel (%.1f vs %.1f ms)", (msOf[k] < msOf[pk] ? "faster" : "NOT faster"), msOf[k], msOf[pk])
		}
		printf "  %-18s T=%-5d %8.2f ms  %7.2f×  (need ≥ %d×: %s)%s\n", nm, TOf[k], msOf[k], spOf[k], need, (spOf[k] >= need ? "met" : "NOT met"), verdict
	}
}'
echo
echo "(b) BenchmarkTrainStepWide (D=E=256, B=16, T=1024), median of $count: step GFLOP/s ÷ SgemmPeak of the same run"
awk '/^BenchmarkTrainStepWide/ {
	name = $1; sub(/^BenchmarkTrainStepWide\//, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 2; i < NF; i++) { if ($(i+1) == "%peak") pc[name] = pc[name] " " $i; if ($(i+1) == "GFLOP/s") gf[name] = gf[name] " " $i; if ($(i+1) == "peak-GFLOP/s") pk[name] = pk[name] " " $i }
	if (!(name in seen)) { seen[name] = 1; order[++n] = name }
}
function median(s,   a, k, i, j, t) { k = split(s, a, " "); for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t } return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
END { for (i = 1; i <= n; i++) { m = order[i]; p = median(pc[m]); printf "  %-28s %6.1f GFLOP/s of %6.1f peak: %5.1f%%  (need ≥ 50%%: %s)\n", m, median(gf[m]), median(pk[m]), p, (p >= 50 ? "met" : "NOT met") } }' "$OUT/wide.txt"
echo
echo "(c) 1 → 2 cores, BenchmarkTrainStepSweep (B=8, D=64, E=128), median ms/step over $((rounds * 2)) runs per GOMAXPROCS"
awk '{
	p = $1; sub(/GOMAXPROCS=/, "", p); name = $2; sub(/^BenchmarkTrainStepSweep\//, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) if ($(i+1) == "ms/step") ms[name, p] = ms[name, p] " " $i
	if (!(name in seen)) { seen[name] = 1; order[++n] = name }
}
function median(s,   a, k, i, j, t) { k = split(s, a, " "); for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t } return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
END { for (i = 1; i <= n; i++) { m = order[i]; a = median(ms[m, 1]); b = median(ms[m, 2]); printf "  %-20s %8.1f → %8.1f ms  %6.3f×  (need ≥ 1.7×: %s)\n", m, a, b, a / b, (a / b >= 1.7 ? "met" : "NOT met") } }' "$OUT/sweep.txt"
echo "  same bits at GOMAXPROCS 1 and 2 (TestTrainStepDeterministic): $(grep -q -- '--- PASS: TestTrainStepDeterministic' "$OUT/tests.txt" && echo met || echo 'NOT met')"
echo
echo "(d) allocations per step"
echo "  TestTrainStepAllocations (every model and mode, GOMAXPROCS 1 and 2): $(grep -q -- '--- PASS: TestTrainStepAllocations' "$OUT/tests.txt" && echo '0 allocations: met' || echo 'NOT met')"
echo "  largest allocs/op in the benchmarks above (runtime allocations included; 3 steps each): $(cat "$OUT/wide.txt" "$OUT/sweep.txt" | awk '{for (i = 2; i <= NF; i++) if ($i == "allocs/op" && $(i-1) + 0 > m) m = $(i-1) + 0} END {print m + 0}')"
echo "  tests: $tests; total time $(($(date +%s) - start)) s"
[ -f "$OUT/stolen.txt" ] && echo "  CPU time stolen by the hypervisor during the measurements: $(cat "$OUT/stolen.txt") s (above 0, figures are slower than the machine is)"
