package cli

import (
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
)

// parseLengths reads --lengths: a comma-separated list of positive
// integers in plain decimal digits ("64,128, 256"), returned sorted
// ascending without duplicates, at most harness.RecordLimits.Lengths of
// them (so that the sweep's record stays readable). It returns a
// usageError naming the first malformed entry.
func parseLengths(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || !plainUnsigned.MatchString(f) { // not "010" or "+8"
			return nil, badInput("--lengths %q: %q is not a positive integer (give a comma-separated list such as 64,128,256)", s, f)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > harness.RecordLimits.Lengths {
		return nil, badInput("--lengths: %d lengths, more than the %d a sweep may have", len(out), harness.RecordLimits.Lengths)
	}
	return out, nil
}

// byteUnits are the size suffixes parseBytes accepts (case-insensitive).
var byteUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// parseBytes reads --max-mem: a byte count ("1073741824"), a size with a
// decimal (kB, MB, GB, TB) or binary (KiB, MiB, GiB, TiB) suffix ("8GiB",
// "1.5 GB", "500MB"), or a percentage of physical memory phys ("75%").
// It returns a usageError for anything else, for a size that is not
// positive, and for a percentage when phys is unknown (0).
func parseBytes(s string, phys int64) (int64, error) {
	t := strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(v > 0) || v > 100 {
			return 0, badInput("--max-mem %q: a percentage must be in (0, 100]", s)
		}
		if phys <= 0 {
			return 0, badInput("--max-mem %q: physical memory is unknown on this machine; give a size such as 8GiB", s)
		}
		return int64(float64(phys) * v / 100), nil
	}
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	}
	mult, known := byteUnits[unit]
	v, err := strconv.ParseFloat(num, 64)
	if !known || err != nil || !(v > 0) || v*mult > math.MaxInt64/2 {
		return 0, badInput("--max-mem %q: want a positive size such as 8GiB, 500MB or 1073741824, or a percentage such as 50%%", s)
	}
	return int64(v * mult), nil
}

// resolveShard returns this run's shard i of n. In order of precedence:
//
//  1. --shard i/n (flag);
//  2. Slurm job arrays: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT,
//     with i = ID − SLURM_ARRAY_TASK_MIN (0 when unset), so --array=0-3
//     and --array=1-4 both give shards 0..3 of 4 (the array must be one
//     contiguous range);
//  3. Kubernetes indexed Jobs: JOB_COMPLETION_INDEX with n from
//     shardCount (--shard-count, required then; the Job's completions);
//  4. otherwise 0 of 1: every point.
//
// It returns a usageError for malformed values and i outside [0, n).
func resolveShard(flag string, shardCount int, getenv func(string) string) (i, n int, err error) {
	atoi := func(what, v string) (int, error) {
		x, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || !plainSigned.MatchString(strings.TrimSpace(v)) {
			return 0, badInput("%s %q is not an integer", what, v)
		}
		return x, nil
	}
	switch {
	case flag != "":
		a, b, ok := strings.Cut(flag, "/")
		if !ok {
			return 0, 0, badInput("--shard %q: want i/n, e.g. 0/4", flag)
		}
		if i, err = atoi("--shard index", a); err != nil {
			return 0, 0, err
		}
		if n, err = atoi("--shard count", b); err != nil {
			return 0, 0, err
		}
	case getenv("SLURM_ARRAY_TASK_ID") != "":
		id, err := atoi("SLURM_ARRAY_TASK_ID", getenv("SLURM_ARRAY_TASK_ID"))
		if err != nil {
			return 0, 0, err
		}
		if getenv("SLURM_ARRAY_TASK_COUNT") == "" {
			return 0, 0, badInput("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shard i/n")
		}
		if n, err = atoi("SLURM_ARRAY_TASK_COUNT", getenv("SLURM_ARRAY_TASK_COUNT")); err != nil {
			return 0, 0, err
		}
		lo := 0
		if v := getenv("SLURM_ARRAY_TASK_MIN"); v != "" {
			if lo, err = atoi("SLURM_ARRAY_TASK_MIN", v); err != nil {
				return 0, 0, err
			}
		}
		i = id - lo
	case getenv("JOB_COMPLETION_INDEX") != "":
		if i, err = atoi("JOB_COMPLETION_INDEX", getenv("JOB_COMPLETION_INDEX")); err != nil {
			return 0, 0, err
		}
		if shardCount < 1 {
			return 0, 0, badInput("JOB_COMPLETION_INDEX is set: pass --shard-count N (the Job's completions) or --shard i/n")
		}
		n = shardCount
	default:
		if shardCount > 0 {
			return 0, 0, badInput("--shard-count needs JOB_COMPLETION_INDEX in the environment; use --shard i/n otherwise")
		}
		return 0, 1, nil
	}
	if n < 1 || i < 0 || i >= n {
		return 0, 0, badInput("shard %d/%d: want 0 ≤ i < n", i, n)
	}
	return i, n, nil
}

// flagFloats reads a numeric flag that takes a comma-separated list
// (--lr 1e-3,3e-3): every entry must be a number; duplicates are refused.
func flagFloats(c interface{ String(string) string }, name string) ([]float64, error) {
	raw := c.String(name)
	var out []float64
	for _, f := range strings.Split(raw, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			if !strings.Contains(raw, ",") {
				return nil, badInput("--%s %q is not a number", name, raw)
			}
			return nil, badInput("--%s %q: %q is not a number (give one number or a comma-separated list such as 1e-3,3e-3)", name, raw, strings.TrimSpace(f))
		}
		if slices.Contains(out, v) {
			return nil, badInput("--%s %q lists %g twice: give each value once", name, raw, v)
		}
		out = append(out, v)
	}
	return out, nil
}

// maxSeeds bounds --seeds: each seed is one training run per grid point.
const maxSeeds = 1000

// parseSeeds reads --seeds: a count n (the seeds 1..n) or a
// comma-separated list of distinct seeds ≥ 0 ("1,2,3").
func parseSeeds(s string) ([]uint64, error) {
	t := strings.TrimSpace(s)
	if !strings.Contains(t, ",") {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > maxSeeds {
			return nil, badInput("--seeds %q: want a count n in [1, %d] (the seeds 1..n) or a comma-separated list such as 1,2,3", s, maxSeeds)
		}
		out := make([]uint64, n)
		for i := range out {
			out[i] = uint64(i + 1)
		}
		return out, nil
	}
	var out []uint64
	for _, f := range strings.Split(t, ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return nil, badInput("--seeds %q: %q is not an integer ≥ 0 (give a count such as 5, or a list such as 1,2,3)", s, strings.TrimSpace(f))
		}
		if slices.Contains(out, v) {
			return nil, badInput("--seeds %q lists %d twice: give each seed once", s, v)
		}
		out = append(out, v)
	}
	if len(out) > maxSeeds {
		return nil, badInput("--seeds %q: at most %d seeds", s, maxSeeds)
	}
	return out, nil
}

// maxJobs bounds --jobs.
const maxJobs = 256

// engineFlags reads the flags every experiment shares: --jobs and the
// shard (--shard, --shard-count or the Slurm or Kubernetes environment).
func engineFlags(c *cli.Context) (jobs, shard, shards int, err error) {
	jobs = 1
	if c.IsSet("jobs") {
		if jobs = c.Int("jobs"); jobs < 1 || jobs > maxJobs {
			return 0, 0, 0, badInput("--jobs must be an integer in [1, %d] (units run at once, each in its own process), got %d", maxJobs, jobs)
		}
	}
	shard, shards, err = resolveShard(c.String("shard"), c.Int("shard-count"), os.Getenv)
	return jobs, shard, shards, err
}

// flagInts reads an integer flag that takes a comma-separated list
// (--layers 1,2,3): every entry an integer ≥ min, none twice.
func flagInts(raw, name string, min int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(raw, ",") {
		f = strings.TrimSpace(f)
		v, err := strconv.Atoi(f)
		switch {
		case err != nil && !strings.Contains(raw, ","):
			return nil, badInput("--%s %q is not an integer", name, raw)
		case err != nil:
			return nil, badInput("--%s %q: %q is not an integer (give one or a comma-separated list such as 1,2,3)", name, raw, f)
		case v < min:
			return nil, badInput("--%s must be an integer ≥ %d, got %d", name, min, v)
		case slices.Contains(out, v):
			return nil, badInput("--%s %q lists %d twice: give each value once", name, raw, v)
		}
		out = append(out, v)
	}
	return out, nil
}

// peerFlag is --peer (sweep only): measure every point again in another
// framework right after rnnbench's own (harness/peer.go).
var peerFlag = &cli.StringFlag{Name: "peer", Usage: "sweep: measure every point again in PyTorch right after rnnbench's own, same model and training step (scripts/torch/peer.py): torch (CPU, GOMAXPROCS threads) or torch-cuda (cuDNN GRU/LSTM on a GPU); needs python3 with python3-torch"}

// sweepPeer reads --peer: nil without it, else the checked peer, or a
// usageError naming what to install.
func sweepPeer(c *cli.Context) (*harness.Peer, error) {
	if !c.IsSet("peer") {
		return nil, nil
	}
	p, err := harness.NewPeer(c.String("peer"))
	if err != nil {
		return nil, badInput("%v", err)
	}
	return p, nil
}
