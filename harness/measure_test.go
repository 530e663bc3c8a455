package harness

import (
	"context"
	"math"
	"strings"
	"testing"

	"rnnbench/models"
)

func tinySpec(mixer string, T int) PointSpec {
	return PointSpec{
		Model: models.Config{Mixer: mixer, Mode: models.DefaultMode(mixer), V: 16, L: 1, D: 8, Expansion: 2, H: 2, N: 4},
		T:     T, WarmupSteps: 1, Repeats: 5,
		Train: TrainConfig{Batch: 2, LR: 1e-3, LRMin: 1e-3, Beta1: 0.9, Beta2: 0.99, Clip: 1, Seed: 3},
	}
}

// Every model measures, with the analytic figures consistent with the
// model's own formulas and the estimate the parent uses before launching.
func TestMeasurePoint(t *testing.T) {
	const T = 24
	for _, mixer := range models.MixerNames {
		t.Run(mixer, func(t *testing.T) {
			spec := tinySpec(mixer, T)
			p, err := MeasurePoint(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != StatusOK || p.Name != spec.Model.Name() || p.B != 2 || p.T != T {
				t.Fatalf("point identity/status: %+v", p)
			}
			if p.StepMs.N != 5 || p.ForwardMs.N != 5 || p.TokenMs.N != InferTimedTokens {
				t.Fatalf("timed counts: step %d, forward %d, token %d", p.StepMs.N, p.ForwardMs.N, p.TokenMs.N)
			}
			if !(p.StepMs.Min > 0 && p.StepMs.Min <= p.StepMs.Median && p.StepMs.Median <= p.StepMs.Max) {
				t.Fatalf("step stats out of order: %+v", p.StepMs)
			}
			if p.FLOPsPerStep != 3*p.FLOPsPerToken*2*T {
				t.Fatalf("FLOPs per step %d, want 3·%d·B·T", p.FLOPsPerStep, p.FLOPsPerToken)
			}
			if want := float64(2*T) / (p.StepMs.Median / 1e3); math.Abs(p.TokensPerSec-want) > 1e-9*want {
				t.Fatalf("tokens/s %g, want %g", p.TokensPerSec, want)
			}
			if want := float64(p.FLOPsPerStep) / (p.StepMs.Median * 1e6); math.Abs(p.GFLOPs-want) > 1e-12*want {
				t.Fatalf("GFLOP/s %g, want %g", p.GFLOPs, want)
			}
			fit, err := models.FitMemory(spec.Model, 2, math.Inf(1))
			if err != nil {
				t.Fatal(err)
			}
			if est := fit.Training(T); float64(p.Memory.Total()) != est {
				t.Fatalf("measured-side analytic memory %+v (total %d) != FitMemory %g", p.Memory, p.Memory.Total(), est)
			}
			total, err := EstimatePointBytes(spec.Model, 2, T)
			if err != nil {
				t.Fatal(err)
			}
			if total != p.Memory.Total()+p.StateBytes {
				t.Fatalf("EstimatePointBytes %d, want memory %d + state %d", total, p.Memory.Total(), p.StateBytes)
			}
			// State after T tokens of one sequence: KV cache 2·T·D floats, GRU and minRNNs E floats.
			switch mixer {
			case "transformer":
				if p.StateBytes != 2*T*8*4 {
					t.Fatalf("KV cache %d bytes, want 2·T·D·4 = %d", p.StateBytes, 2*T*8*4)
				}
			case "gru", "mingru", "minlstm":
				if p.StateBytes != 16*4 {
					t.Fatalf("state %d bytes, want E·4 = 64", p.StateBytes)
				}
			case "lstm":
				if p.StateBytes != 2*16*4 {
					t.Fatalf("state %d bytes, want (h, c)·E·4 = 128", p.StateBytes)
				}
			}
		})
	}
}

// A sequence shorter than InferTimedTokens has every token timed.
func TestMeasurePointShortSequence(t *testing.T) {
	p, err := MeasurePoint(context.Background(), tinySpec("mingru", 3))
	if err != nil {
		t.Fatal(err)
	}
	if p.TokenMs.N != 3 {
		t.Fatalf("T=3 times %d tokens, want all 3", p.TokenMs.N)
	}
}

func TestMeasurePointErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := MeasurePoint(ctx, tinySpec("gru", 8)); err == nil {
		t.Fatal("cancelled context: no error")
	}
	bad := tinySpec("gru", 8)
	bad.Repeats = 0
	if _, err := MeasurePoint(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "timed step") {
		t.Fatalf("zero repeats: err = %v", err)
	}
}

// A Stepper refuses a non-finite loss and leaves the parameters alone.
func TestStepperNonFinite(t *testing.T) {
	spec := tinySpec("mingru", 4)
	m, err := models.New[float32](spec.Model, 1)
	if err != nil {
		t.Fatal(err)
	}
	st := NewStepper(m, spec.Train, 4)
	m.Head.W.Data[0] = float32(math.NaN())
	before := append([]float32(nil), m.PS.Data...)
	tok := make([]int32, 8)
	_, err = st.Step(7, tok, tok)
	if err == nil || err.Error() != "non-finite loss at step 8: parameter head.weight is not finite" {
		t.Fatalf("err = %v", err)
	}
	for i := range before {
		if b, a := before[i], m.PS.Data[i]; b != a && !(b != b && a != a) {
			t.Fatalf("parameter %d changed from %g to %g", i, b, a)
		}
	}
}

// A point without a measured peak RSS (bench ci measures in-process) does
// not print "peak RSS 0.0 MiB".
func TestPointStringWithoutRSS(t *testing.T) {
	p := Point{Name: "gru", T: 8, Status: StatusOK}
	if s := p.String(); strings.Contains(s, "RSS") {
		t.Errorf("%q mentions RSS", s)
	}
	p.PeakRSSBytes = 3 << 20
	if s := p.String(); !strings.Contains(s, "peak RSS 3.0 MiB") {
		t.Errorf("%q lacks the peak RSS", s)
	}
}
