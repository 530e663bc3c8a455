package harness

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rnnbench/internal/checkpoint"
	"rnnbench/models"
	"rnnbench/tasks"
)

// tinyRun is a 12-step run of selective copying (T = 16, K = 2) that
// evaluates every 3 steps; it takes a few milliseconds.
func tinyRun(mixer string, dropout float64) (models.Config, TrainConfig, Task) {
	c := models.Config{Mixer: mixer, Mode: models.DefaultMode(mixer), V: tasks.CopyVocab, L: 2, D: 8, Expansion: 2, H: 2, N: 4, MLP: 1, Dropout: dropout}
	cfg := TrainConfig{Batch: 4, Steps: 12, LR: 3e-3, LRMin: 3e-4, Warmup: 3, Beta1: 0.9, Beta2: 0.99, WeightDecay: 0.1, Clip: 1, EvalEvery: 3, EvalBatches: 2, Seed: 5}
	return c, cfg, NewCopyTask(tasks.SelectiveCopy{T: 16, K: 2}, cfg.Batch, cfg.EvalBatches, 99)
}

func newModel(t *testing.T, c models.Config, seed uint64) *models.Model[float32] {
	t.Helper()
	m, err := models.New[float32](c, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sameEvals fails unless a and b hold the same evaluations bit for bit,
// apart from wall time.
func sameEvals(t *testing.T, what string, a, b Result) {
	t.Helper()
	strip := func(es []Eval) []Eval {
		out := slices.Clone(es)
		for i := range out {
			out[i].Seconds = 0
		}
		return out
	}
	if !slices.Equal(strip(a.Evals), strip(b.Evals)) || a.Steps != b.Steps || a.Status != b.Status || a.Tokens != b.Tokens || a.StepMs.N != b.StepMs.N {
		t.Fatalf("%s differs from the uninterrupted run:\n got %s %d steps %+v\nwant %s %d steps %+v", what, b.Status, b.Steps, strip(b.Evals), a.Status, a.Steps, strip(a.Evals))
	}
	if a.Best.Loss != b.Best.Loss || a.Best.Step != b.Best.Step {
		t.Fatalf("%s: best %+v, want %+v", what, b.Best, a.Best)
	}
}

// A run interrupted at step 7 and resumed, from the checkpoint written at
// the interrupt or from the periodic one at step 4 (what a SIGKILL leaves),
// ends with the same evaluations, training losses and parameters as a run
// never stopped, bit for bit; with dropout (whose stream is replayed) and
// without, for a recurrent and an attention model.
func TestResumeIsBitForBit(t *testing.T) {
	for _, tc := range []struct {
		mixer   string
		dropout float64
	}{{"mingru", 0.2}, {"transformer", 0}, {"lstm", 0.1}} {
		t.Run(tc.mixer, func(t *testing.T) {
			c, cfg, task := tinyRun(tc.mixer, tc.dropout)
			ref := newModel(t, c, cfg.Seed)
			want := Train(context.Background(), ref, task, cfg, nil)
			if want.Status != StatusOK || want.Steps != 12 || len(want.Evals) != 5 { // step 0, then every 3
				t.Fatalf("reference run: %s %s, %d steps, %d evals", want.Status, want.Reason, want.Steps, len(want.Evals))
			}

			dir := t.TempDir()
			path := filepath.Join(dir, "ckpt.safetensors")
			atStep4 := filepath.Join(dir, "step4.safetensors")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opt := TrainOptions{CheckpointEvery: 4, CheckpointPath: path, OnStep: func(n int, _ *Stepper) {
				if n == 7 {
					b, err := os.ReadFile(path) // still the periodic checkpoint of step 4
					if err != nil {
						t.Error(err)
					}
					os.WriteFile(atStep4, b, 0o644)
					cancel()
				}
			}}
			part, err := TrainWith(ctx, newModel(t, c, cfg.Seed), task, cfg, nil, opt)
			if err != nil {
				t.Fatal(err)
			}
			if part.Status != StatusInterrupted || part.Steps != 7 || part.Reason != "stopped before step 7" || len(part.Evals) != 3 {
				t.Fatalf("interrupted run: %s %q, %d steps, %d evals", part.Status, part.Reason, part.Steps, len(part.Evals))
			}
			for _, from := range []struct {
				path string
				step int
			}{{path, 7}, {atStep4, 4}} {
				ck, err := LoadCheckpoint(from.path)
				if err != nil {
					t.Fatal(err)
				}
				if ck.Step() != from.step || ck.Model() != c {
					t.Fatalf("%s: step %d, model %+v", from.path, ck.Step(), ck.Model())
				}
				m := newModel(t, c, cfg.Seed)
				got, err := TrainWith(context.Background(), m, task, cfg, nil, TrainOptions{Resume: ck})
				if err != nil {
					t.Fatal(err)
				}
				sameEvals(t, fmt.Sprintf("resumed from step %d", from.step), want, got)
				if !slices.Equal(m.PS.Data, ref.PS.Data) {
					t.Fatalf("resumed from step %d: final parameters differ", from.step)
				}
			}
		})
	}
}

// A checkpoint that is truncated, has a flipped bit, is not an rnnbench
// checkpoint, or belongs to another model or training setting is refused
// with a clear error, and the model is left untouched.
func TestCheckpointRefused(t *testing.T) {
	c, cfg, task := tinyRun("mingru", 0)
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	b := interruptedCheckpoint(t, c, cfg, task, good, 2, 2)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flip := slices.Clone(b)
	flip[len(flip)-3] ^= 0x10
	foreign := filepath.Join(dir, "foreign")
	if err := checkpoint.Write(foreign, []checkpoint.Tensor{{Name: "w", Shape: []int{1}, Data: []float32{1}}}, nil); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]string{
		"truncated":   write("truncated", b[:len(b)/2]),
		"bit flip":    write("flip", flip),
		"empty":       write("empty", nil),
		"foreign":     foreign,
		"not at all":  write("text", []byte("hello, world\n")),
		"header only": write("header", b[:8]),
	} {
		if _, err := LoadCheckpoint(p); !errors.Is(err, checkpoint.ErrCorrupt) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line wrapping ErrCorrupt", name, err)
		}
	}

	ck, err := LoadCheckpoint(good)
	if err != nil {
		t.Fatal(err)
	}
	other := c
	other.D = 10
	seed := cfg
	seed.Seed++
	for _, tc := range []struct {
		name string
		c    models.Config
		cfg  TrainConfig
		want string
	}{
		{"other width", other, cfg, "it holds mingru/parallel"},
		{"other seed", c, seed, "training settings"},
		{"other mode", models.Config{Mixer: "mingru", Mode: "sequential", V: c.V, L: c.L, D: c.D, Expansion: c.Expansion, H: c.H, N: c.N, MLP: c.MLP}, cfg, "it holds mingru/parallel"},
	} {
		m := newModel(t, tc.c, tc.cfg.Seed)
		before := slices.Clone(m.PS.Data)
		_, err := TrainWith(context.Background(), m, task, tc.cfg, nil, TrainOptions{Resume: ck})
		if !errors.Is(err, ErrCheckpointMismatch) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want ErrCheckpointMismatch with %q", tc.name, err, tc.want)
		}
		if !slices.Equal(before, m.PS.Data) {
			t.Errorf("%s: the refused checkpoint was loaded", tc.name)
		}
	}
}

// A parameter turned NaN after step 5 makes step 6 diverge: the run stops
// there with status "diverged", the reason names the step and the tensor,
// and the evaluation of step 3, the step count and step times are kept.
func TestTrainDivergesAtTheStep(t *testing.T) {
	c, cfg, task := tinyRun("mingru", 0)
	m := newModel(t, c, cfg.Seed)
	p, err := m.PS.Get("blocks.1.norm1.weight")
	if err != nil {
		t.Fatal(err)
	}
	res, err := TrainWith(context.Background(), m, task, cfg, nil, TrainOptions{OnStep: func(n int, _ *Stepper) {
		if n == 5 {
			p.Data[3] = float32(math.Inf(-1))
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusDiverged || res.Reason != "non-finite loss at step 6: parameter blocks.1.norm1.weight is not finite" {
		t.Fatalf("status %s, reason %q", res.Status, res.Reason)
	}
	if res.Steps != 5 || len(res.Evals) != 2 || res.Evals[0].Step != 0 || res.Evals[1].Step != 3 || res.Best.Step != 3 || res.StepMs.N != 5 || res.Tokens != 5*4*16 {
		t.Fatalf("result so far not kept: %d steps, evals %+v, best %+v, %d step times", res.Steps, res.Evals, res.Best, res.StepMs.N)
	}
	if math.IsNaN(res.Evals[0].Loss) || math.IsInf(res.Evals[0].Loss, 0) {
		t.Fatalf("kept evaluation is not finite: %+v", res.Evals[0])
	}
}

// A gradient that turns non-finite while the loss is finite is caught
// before the update, naming the first parameter whose gradient it is.
func TestStepperNonFiniteGradient(t *testing.T) {
	c, cfg, task := tinyRun("gru", 0)
	m := newModel(t, c, cfg.Seed)
	st := NewStepper(m, cfg, task.T())
	p, err := m.PS.Get("blocks.0.norm1.weight")
	if err != nil {
		t.Fatal(err)
	}
	st.afterBackward = func() { p.Grad[1] = float32(math.NaN()) }
	before := slices.Clone(m.PS.Data)
	b := tasks.NewBatch(cfg.Batch, task.T())
	task.TrainBatch(b, rand.New(rand.NewPCG(1, 2)))
	loss, err := st.Step(2, b.Tokens, b.Targets)
	if err == nil || err.Error() != "non-finite gradient at step 3 in the gradient of blocks.0.norm1.weight" {
		t.Fatalf("err = %v", err)
	}
	if math.IsNaN(loss) || !slices.Equal(before, m.PS.Data) || st.Opt.T != 0 {
		t.Fatalf("loss %g; parameters or optimiser changed (AdamW step %d)", loss, st.Opt.T)
	}
}

// FuzzLoadCheckpoint: a checkpoint file of any content is refused with an
// error (never a panic) unless it is a consistent rnnbench checkpoint.
// Seeds: testdata/fuzz/FuzzLoadCheckpoint (a real checkpoint, cut and
// flipped, and the crafted files of TestCheckpointCrafted). It decodes
// from memory (DecodeCheckpoint), so it runs thousands of executions a
// second.
func FuzzLoadCheckpoint(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x10\x00\x00\x00\x00\x00\x00\x00{\"__metadata__\":{}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ck, err := DecodeCheckpoint(data, "ck")
		if refused(t, err) {
			return
		}
		if checkState(&ck.st) != nil || ck.Step() < 0 || ck.st.AdamT != ck.Step() || len(ck.st.StepMs) != ck.Step() {
			t.Fatalf("inconsistent checkpoint accepted: %+v", ck.st)
		}
	})
}
