package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"rnnbench/models"
	"rnnbench/tasks"
)

// applyFlags overrides the preset with every flag the user set, and checks
// the ranges of the numeric ones.
func applyFlags(c *cli.Context, s *settings) error {
	ints := []struct {
		flag string
		dst  *int
		min  int
	}{
		{"dim", &s.Arch.D, 1}, {"expansion", &s.Arch.Expansion, 1},
		{"heads", &s.Arch.H, 1}, {"state", &s.Arch.N, 1}, {"mlp", &s.Arch.MLP, 0},
		{"seq-len", &s.SeqLen, 2}, {"copy-tokens", &s.CopyTokens, 1}, {"batch", &s.Train.Batch, 1},
		{"steps", &s.Train.Steps, 1}, {"warmup", &s.Train.Warmup, 0}, {"eval-every", &s.Train.EvalEvery, 1},
		{"eval-batches", &s.Train.EvalBatches, 1}, {"params", new(int), 1},
	}
	s.Layers = []int{s.Arch.L}
	if c.IsSet("layers") {
		ls, err := flagInts(c.String("layers"), "layers", 1)
		if err != nil {
			return err
		}
		s.Layers, s.Arch.L = ls, ls[0]
	}
	for _, f := range ints {
		if !c.IsSet(f.flag) {
			continue
		}
		v := c.Int(f.flag)
		if v < f.min {
			return badInput("--%s must be an integer ≥ %d, got %d", f.flag, f.min, v)
		}
		*f.dst = v
	}
	// --lr alone keeps the preset's ratio lr-min/lr (1/10, or 1 for a constant rate).
	ratio := s.Train.LRMin / s.Train.LR
	floats := []struct {
		flag             string
		dst              *float64
		min, max         float64
		openMin, openMax bool // bound excluded
	}{
		{"lr", &s.Train.LR, 0, 10, true, false}, {"lr-min", &s.Train.LRMin, 0, 10, false, false},
		{"weight-decay", &s.Train.WeightDecay, 0, 10, false, false}, {"beta2", &s.Train.Beta2, 0, 1, true, true},
		{"clip", &s.Train.Clip, 0, 1e9, false, false}, {"dropout", &s.Arch.Dropout, 0, 0.999, false, false},
		{"target-acc", &s.Train.TargetAcc, 0, 1, false, false},
	}
	for _, f := range floats {
		if !c.IsSet(f.flag) {
			continue
		}
		vs, err := flagFloats(c, f.flag)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if v < f.min || v > f.max || (f.openMin && v == f.min) || (f.openMax && v == f.max) || v != v {
				lo, hi := "[", "]"
				if f.openMin {
					lo = "("
				}
				if f.openMax {
					hi = ")"
				}
				return badInput("--%s must be in %s%g, %g%s, got %g", f.flag, lo, f.min, f.max, hi, v)
			}
		}
		*f.dst = vs[0]
		switch f.flag {
		case "lr":
			s.LRs = vs
		case "weight-decay":
			s.WDs = vs
		}
	}
	if s.LRs == nil {
		s.LRs = []float64{s.Train.LR}
	}
	if s.WDs == nil {
		s.WDs = []float64{s.Train.WeightDecay}
	}
	s.LRMins = nil
	for _, lr := range s.LRs {
		lrMin := s.Train.LRMin
		if c.IsSet("lr") && !c.IsSet("lr-min") {
			lrMin = lr * ratio
		}
		if lrMin > lr {
			return badInput("--lr-min %g is greater than --lr %g: the cosine decay ends at --lr-min, which must be ≤ --lr", lrMin, lr)
		}
		s.LRMins = append(s.LRMins, lrMin)
	}
	s.Train.LRMin = s.LRMins[0]
	if !c.IsSet("warmup") && s.Train.Warmup > 0 && s.Train.Warmup >= s.Train.Steps {
		s.Train.Warmup = s.Train.Steps / 10 // the preset's warm-up would take the whole run
	}
	if c.IsSet("seed") {
		s.Train.Seed = c.Uint64("seed")
	}
	s.Seeds = []uint64{s.Train.Seed}
	if c.IsSet("seeds") {
		if c.IsSet("seed") {
			return badInput("--seed and --seeds both given: give one seed with --seed N, or several with --seeds")
		}
		seeds, err := parseSeeds(c.String("seeds"))
		if err != nil {
			return err
		}
		s.Seeds, s.Train.Seed = seeds, seeds[0]
	}
	if c.IsSet("temperature") && !(c.Float64("temperature") > 0) {
		return badInput("--temperature must be > 0, got %g", c.Float64("temperature"))
	}
	for _, f := range []string{"top-k", "sample"} {
		if c.IsSet(f) && c.Int(f) < 0 {
			return badInput("--%s must be an integer ≥ 0, got %d", f, c.Int(f))
		}
	}
	if c.IsSet("sample") && c.Int("sample") > maxSample {
		return badInput("--sample must be at most %d characters, got %d", maxSample, c.Int("sample"))
	}
	return applyFidelityFlags(c, s) // official.go
}

// maxSample bounds --sample: generation is one Model.Step per character.
const maxSample = 1_000_000

// modelConfigs expands --model and --mode into one Config per model run.
func modelConfigs(modelFlag, modeFlag string, arch models.Config) ([]models.Config, error) {
	var names []string
	modelFlag, modeFlag = strings.ToLower(strings.TrimSpace(modelFlag)), strings.ToLower(strings.TrimSpace(modeFlag)) // ALL, GRU, Parallel
	if modelFlag == "all" {
		names = models.MixerNames
	} else {
		for _, n := range strings.Split(modelFlag, ",") {
			n = strings.TrimSpace(strings.ToLower(n))
			if !slices.Contains(models.MixerNames, n) {
				return nil, badInput("unknown --model %q%s: allowed %s, or all", n, suggest(n, models.MixerNames), strings.Join(models.MixerNames, ", "))
			}
			if slices.Contains(names, n) {
				return nil, badInput("--model %q lists %s twice: give each model once", modelFlag, n)
			}
			names = append(names, n)
		}
	}
	var out []models.Config
	for _, n := range names {
		modes := models.Modes[n]
		var chosen []string
		switch {
		case len(modes) == 0 && modeFlag != "" && modeFlag != "all" && len(names) == 1:
			return nil, badInput("--mode %s does not apply to %s: only mingru and minlstm have modes", modeFlag, n)
		case len(modes) == 0:
			chosen = []string{""}
		case modeFlag == "":
			chosen = modes[:1]
		case modeFlag == "all":
			chosen = modes
		case slices.Contains(modes, modeFlag):
			chosen = []string{modeFlag}
		default:
			return nil, badInput("unknown --mode %q%s for %s: allowed %s, or all", modeFlag, suggest(modeFlag, modes), n, strings.Join(modes, ", "))
		}
		for _, mode := range chosen {
			c := arch
			c.Mixer, c.Mode = n, mode
			c.Variants = arch.Variants.For(n) // each model's own official variants (official.go)
			if err := c.Validate(); err != nil {
				return nil, badInput("%v", err)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// suggest returns ` (did you mean "x"?)` for the closest allowed name
// within edit distance 2, or "".
func suggest(got string, allowed []string) string {
	best, bestD := "", 3
	for _, a := range allowed {
		if d := editDistance(strings.ToLower(got), a); d < bestD { // "SWEEP": did you mean "sweep"?
			best, bestD = a, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// loadCorpus reads --data, or tiny Shakespeare from the user cache folder
// (downloading it once if absent), for windows of T+1 characters.
func loadCorpus(c *cli.Context, T int) (*tasks.Corpus, string, error) {
	path := c.String("data")
	if path == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, "", badInput("no user cache folder (%v): pass --data FILE", err)
		}
		ctx, cancel := context.WithTimeout(c.Context, 2*time.Minute)
		defer cancel()
		path, err = tasks.EnsureShakespeare(ctx, cache, tasks.ShakespeareURL, http.DefaultClient)
		if err != nil {
			return nil, "", badInput("%v", err)
		}
	}
	corpus, err := tasks.LoadCorpus(path, T)
	if err != nil {
		// Missing, unreadable (permissions, I/O errors), empty, binary,
		// shorter than two windows: every failure is about the input.
		return nil, "", badInput("%v", err)
	}
	return corpus, path, nil
}
