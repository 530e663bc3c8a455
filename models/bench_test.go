package models_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"rnnbench/internal/optim"
	"rnnbench/internal/tensor"
	"rnnbench/models"
)

// The PyTorch comparison configuration of issue 7 (README.md, Speed): one
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
	s.opt.StepClipped(s.m.PS, 1e-3, optim.GradNorm(s.m.PS.Grad), 1)
	return loss
}

// benchStep times training steps of c at B×T and reports, besides ns/op
// (one step), ms/step, tokens/s and the achieved GFLOP/s (3× the model's
// forward FLOPs per token, the usual training estimate), which it returns.
func benchStep(b *testing.B, c models.Config, B, T int) (gflops float64) {
	s := newTrainStep(b, c, B, T)
	s.step() // warm-up: the worker pool, first-touch of the buffers
	// Finish any GC cycle the setup's allocations started: on two cores
	// its mark worker would take one of the two Ps from the timed steps.
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.step()
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec*1e3, "ms/step")
	b.ReportMetric(float64(B*T)/sec, "tokens/s")
	gflops = 3 * float64(s.m.FLOPs(T)) * float64(B*T) / sec / 1e9
	b.ReportMetric(gflops, "GFLOP/s")
	return gflops
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
// D = E = 256, B = 16, T = 1024, for the Transformer and minGRU (and
// minLSTM) in parallel mode. Besides GFLOP/s it reports this machine's
// Sgemm peak (tensor.SgemmPeak, measured just before, under the same load)
// and the step's share of it, %peak.
func BenchmarkTrainStepWide(b *testing.B) {
	for _, c := range []models.Config{benchConfig("transformer", "", 256), benchConfig("mingru", "parallel", 256), benchConfig("minlstm", "parallel", 256)} {
		name := c.Mixer
		if c.Mode != "" {
			name += "/" + c.Mode
		}
		b.Run(name+"/D=256/T=1024", func(b *testing.B) {
			peak, _ := tensor.SgemmPeak(200 * time.Millisecond)
			gflops := benchStep(b, c, benchB, 1024)
			b.ReportMetric(peak, "peak-GFLOP/s")
			b.ReportMetric(100*gflops/peak, "%peak")
		})
	}
}

// BenchmarkTrainStepSweep times the sweep's largest points (the quick
// preset's T = 1024 and the full preset's T = 4096: B = 8, D = 64, E = 128,
// 4 heads, N = 16, one block) for every model in its default mode. Run it
// with -cpu 1,2 for the speedup from one core to two (README.md, Speed).
func BenchmarkTrainStepSweep(b *testing.B) {
	for _, mixer := range models.MixerNames {
		c := models.Config{Mixer: mixer, Mode: models.DefaultMode(mixer), V: benchV, L: 1, D: 64, Expansion: 2, H: 4, N: 16}
		for _, T := range []int{1024, 4096} {
			b.Run(fmt.Sprintf("%s/T=%d", mixer, T), func(b *testing.B) { benchStep(b, c, 8, T) })
		}
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
				t.Errorf("%s, GOMAXPROCS %d: at least %d heap allocations in every 3 training steps, want 0", name, procs, n)
			}
		}
	}
}

// The short convolution in front of every block (Variants.ConvKernel) adds
// no heap allocation to the step either (its passes are ForWith kernels).
func TestConvVariantStepAllocations(t *testing.T) {
	c := benchConfig("mingru", "parallel", 16)
	c.ConvKernel = 4
	for _, procs := range []int{1, 2} {
		if n := stepAllocs(newTrainStep(t, c, 4, 64), procs); n != 0 {
			t.Errorf("mingru with conv_kernel 4, GOMAXPROCS %d: at least %d heap allocations in every 3 training steps, want 0", procs, n)
		}
	}
}

// stepAllocs returns the fewest heap allocations (runtime.MemStats.Mallocs)
// of three training steps at GOMAXPROCS procs, over up to five rounds after
// one warm-up step. The runtime allocates now and then on its own (threads
// for blocking cgo calls, wait records of blocked goroutines) until its
// caches fill; an allocation of the step's own recurs in every round.
// (testing.AllocsPerRun would pin GOMAXPROCS to 1 and miss the parallel
// paths.)
func stepAllocs(s *trainStep, procs int) uint64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	s.step()
	least := uint64(1 << 62)
	for range 5 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 3 {
			s.step()
		}
		runtime.ReadMemStats(&after)
		if least = min(least, after.Mallocs-before.Mallocs); least == 0 {
			break
		}
	}
	return least
}

// A whole training step (forward, loss, backward, clipping, AdamW) in
// float32 gives the same parameters, bit for bit, with GOMAXPROCS 1 and 2,
// for every model and mode: no reduction depends on the number of workers
// (matmul tiles, norms, scans, the loss and the optimiser included). The
// size is large enough for every parallel loop to split, the matmuls into
// tiles with either backend.
func TestTrainStepDeterministic(t *testing.T) {
	names, cfgs := benchNames(64)
	for i, name := range names {
		run := func(procs int) []float32 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			s := newTrainStep(t, cfgs[i], 8, 256)
			for range 2 {
				s.step()
			}
			return s.m.PS.Data
		}
		p1, p2 := run(1), run(2)
		for j := range p1 {
			if math.Float32bits(p1[j]) != math.Float32bits(p2[j]) {
				t.Errorf("%s: parameter %d after 2 steps: %v with GOMAXPROCS 1, %v with 2", name, j, p1[j], p2[j])
				break
			}
		}
	}
}
