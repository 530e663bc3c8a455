package models_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"rnnbench/internal/optim"
	"rnnbench/models"
)

// The PyTorch comparison configuration of issue 7 (docs/speed.md): one
// training step of embedding → 1 block (no MLP) → RMSNorm → head with
// B=16, D=E=64, V=16 and AdamW, at T = 64, 256, 1024.
const (
	benchB = 16
	benchV = 16
)

// benchConfig returns the comparison configuration of a mixer and mode at
// width D: E = D, 4 heads, N = 16, one block, no MLP.
func benchConfig(mixer, mode string, D int) models.Config {
	return models.Config{Mixer: mixer, Mode: mode, V: benchV, L: 1, D: D, Expansion: 1, H: 4, N: 16}
}

// benchNames returns every "mixer" or "mixer/mode" with its config at width D.
func benchNames(D int) (names []string, cfgs []models.Config) {
	for _, mixer := range models.MixerNames {
		modes := models.Modes[mixer]
		if len(modes) == 0 {
			modes = []string{""}
		}
		for _, mode := range modes {
			name := mixer
			if mode != "" {
				name += "/" + mode
			}
			names = append(names, name)
			cfgs = append(cfgs, benchConfig(mixer, mode, D))
		}
	}
	return names, cfgs
}

// trainStep is one optimiser step as harness.Stepper takes it: zero the
// gradients, forward and loss, backward, clip at 1, AdamW.
type trainStep struct {
	m               *models.Model[float32]
	opt             *optim.AdamW[float32]
	tokens, targets []int32
	B, T            int
}

func newTrainStep(tb testing.TB, c models.Config, B, T int) *trainStep {
	tb.Helper()
	m, err := models.New[float32](c, 1)
	if err != nil {
		tb.Fatal(err)
	}
	m.Alloc(B, T)
	s := &trainStep{m: m, opt: optim.NewAdamW(m.PS, 0.9, 0.99, 1e-8, 0.1), B: B, T: T}
	rng := rand.New(rand.NewPCG(7, 7))
	s.tokens, s.targets = make([]int32, B*T), make([]int32, B*T)
	for i := range s.tokens {
		s.tokens[i] = int32(rng.IntN(c.V))
		s.targets[i] = int32(rng.IntN(c.V))
	}
	return s
}

func (s *trainStep) step() float64 {
	s.m.PS.ZeroGrad()
	loss, _, _ := s.m.Loss(s.tokens, s.targets, s.B, s.T, true)
	s.m.Backward(s.B, s.T)
	optim.ClipGradNorm(s.m.PS.Grad, 1)
	s.opt.Step(s.m.PS, 1e-3)
	return loss
}

// benchStep times training steps of c at B×T and reports, besides ns/op
// (one step), ms/step, tokens/s and the achieved GFLOP/s (3× the model's
// forward FLOPs per token, the usual training estimate).
func benchStep(b *testing.B, c models.Config, B, T int) {
	s := newTrainStep(b, c, B, T)
	s.step() // warm-up: the worker pool, first-touch of the buffers
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.step()
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec*1e3, "ms/step")
	b.ReportMetric(float64(B*T)/sec, "tokens/s")
	b.ReportMetric(3*float64(s.m.FLOPs(T))*float64(B*T)/sec/1e9, "GFLOP/s")
}

// BenchmarkTrainStep times one training step of every model and mode in
// the PyTorch comparison configuration (B=16, D=E=64, V=16, 1 block,
// AdamW) at T = 64, 256 and 1024. Name: TrainStep/<mixer>[/<mode>]/T=<T>.
func BenchmarkTrainStep(b *testing.B) {
	names, cfgs := benchNames(64)
	for i, name := range names {
		for _, T := range []int{64, 256, 1024} {
			b.Run(fmt.Sprintf("%s/T=%d", name, T), func(b *testing.B) { benchStep(b, cfgs[i], benchB, T) })
		}
	}
}

// BenchmarkTrainStepWide times the matmul-heavy points of the speed goals:
// D = E = 256, B = 16, T = 1024, for the Transformer and minGRU (parallel),
// whose GFLOP/s is compared with tensor's BenchmarkSgemmPeak.
func BenchmarkTrainStepWide(b *testing.B) {
	for _, c := range []models.Config{benchConfig("transformer", "", 256), benchConfig("mingru", "parallel", 256), benchConfig("minlstm", "parallel", 256)} {
		name := c.Mixer
		if c.Mode != "" {
			name += "/" + c.Mode
		}
		b.Run(name+"/D=256/T=1024", func(b *testing.B) { benchStep(b, c, benchB, 1024) })
	}
}

// TestTrainStepAllocations holds every model's training step, after one
// warm-up step, to zero heap allocations per step (small sizes; the
// benchmarks report allocs/op at the large ones).
func TestTrainStepAllocations(t *testing.T) {
	names, cfgs := benchNames(16)
	for i, name := range names {
		for _, procs := range []int{1, 2} {
			s := newTrainStep(t, cfgs[i], 4, 64)
			if n := stepAllocs(s, procs); n != 0 {
				t.Errorf("%s, GOMAXPROCS %d: %d heap allocations in 3 training steps, want 0", name, procs, n)
			}
		}
	}
}

// stepAllocs returns the heap allocations (runtime.MemStats.Mallocs) of
// three training steps at GOMAXPROCS procs, after one warm-up step.
// (testing.AllocsPerRun would pin GOMAXPROCS to 1 and miss the parallel
// paths.)
func stepAllocs(s *trainStep, procs int) uint64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	s.step()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 3 {
		s.step()
	}
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs
}
