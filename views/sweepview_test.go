package views

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rnnbench/harness"
	"rnnbench/internal/golden"
	"rnnbench/models"
	"rnnbench/reports"
)

// synthSweep is a sweep whose costs follow exact power laws in T:
// step time 0.01·T (RNNs, Mamba) or 1e-4·T² (Transformer), GRU and LSTM
// 10× slower than the minRNNs, memory linear in T with minGRU 1.5× GRU.
// minlstm/parallel at T=4096 is skipped and Mamba is absent at 4096.
func synthSweep() *harness.Record {
	base := models.Config{V: 16, L: 1, D: 8, Expansion: 2, H: 2, N: 4}
	names := [][2]string{{"mingru", "parallel"}, {"minlstm", "parallel"}, {"gru", ""}, {"lstm", ""}, {"transformer", ""}, {"mamba", ""}}
	s := &harness.SweepConfig{Lengths: []int{128, 512, 4096}, Batch: 8, WarmupSteps: 2, Repeats: 5, MaxMemBytes: 3 << 30, PointTimeoutS: 600, Shards: 1}
	for _, n := range names {
		c := base
		c.Mixer, c.Mode = n[0], n[1]
		s.Models = append(s.Models, c)
	}
	rec := &harness.Record{
		Schema: harness.SchemaVersion, Task: "sweep", Started: time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC),
		Machine: harness.Machine{CPU: "Test CPU", Cores: 2, GOMAXPROCS: 2, GoVersion: "go1.26", OS: "linux/amd64", MemBytes: 4 << 30, Backend: "gonum", Commit: "abc"},
		Train:   harness.TrainConfig{Batch: 8, LR: 1e-3, Seed: 1}, Sweep: s,
	}
	for i := 0; i < s.NumPoints(); i++ {
		sp := s.Spec(i, rec.Train)
		p := harness.NewPoint(sp)
		T := float64(sp.T)
		if p.Name == "mamba" && sp.T == 4096 {
			continue
		}
		if p.Name == "minlstm/parallel" && sp.T == 4096 {
			p.Status, p.Reason = harness.StatusSkipped, "analytic memory 9 GiB exceeds --max-mem 3 GiB"
			rec.Points = append(rec.Points, p)
			continue
		}
		p.Status = harness.StatusOK
		k, slow, mem := 0.01*T, 1.0, int64(1000*sp.T)
		switch sp.Model.Mixer {
		case "transformer":
			k = 1e-4 * T * T
		case "gru", "lstm":
			slow = 10
		case "mingru", "minlstm":
			mem = mem * 3 / 2
		}
		p.StepMs = harness.Stats{Median: k * slow, Min: k * slow * 0.9, Max: k * slow * 1.2, N: 5}
		p.TokenMs = harness.Stats{Median: 0.001 * slow, N: 16}
		p.ForwardMs = harness.Stats{Median: k / 3, N: 5}
		p.FLOPsPerStep = int64(3e6 * T)
		p.GFLOPs = float64(p.FLOPsPerStep) / (p.StepMs.Median * 1e6)
		p.TokensPerSec = 8 * T / (p.StepMs.Median / 1e3)
		p.Memory = models.Memory{Params: 1000, Grads: 1000, Optimizer: 2000, Activations: mem}
		p.StateBytes = 64
		p.PeakRSSBytes = 2 * (4000 + mem)
		rec.Points = append(rec.Points, p)
	}
	return rec
}

func TestSweepFits(t *testing.T) {
	want := map[string]float64{"mingru/parallel": 1, "minlstm/parallel": 1, "gru": 1, "lstm": 1, "transformer": 2, "mamba": 1}
	fits := SweepFits(synthSweep())
	if len(fits) != 6 || fits[0].Name != "mingru/parallel" || fits[5].Name != "mamba" {
		t.Fatalf("fits in the wrong order: %+v", fits)
	}
	for _, f := range fits {
		if math.Abs(f.Step-want[f.Name]) > 1e-9 || math.Abs(f.Forward-want[f.Name]) > 1e-9 {
			t.Errorf("%s: step exponent %.12g, forward %.12g, want %g", f.Name, f.Step, f.Forward, want[f.Name])
		}
		if math.Abs(f.Token) > 1e-9 {
			t.Errorf("%s: token-time exponent %g, want 0", f.Name, f.Token)
		}
		// Memory 4000 + c·T is not a power law: the slope lies strictly between 0 and 1.
		if !(f.Memory > 0.5 && f.Memory < 1) {
			t.Errorf("%s: memory exponent %g, want in (0.5, 1)", f.Name, f.Memory)
		}
	}
	if fits[1].Points != 2 || fits[5].Points != 2 || fits[0].Points != 3 {
		t.Errorf("points fitted: %+v", fits)
	}
}

func TestSweepRatio(t *testing.T) {
	rec := synthSweep()
	if r, ok := SweepRatio(rec, "gru", "mingru/parallel", 512, stepMs); !ok || math.Abs(r-10) > 1e-12 {
		t.Errorf("GRU/minGRU speedup at 512 = %g, %v; want 10", r, ok)
	}
	if r, ok := SweepRatio(rec, "mingru/parallel", "gru", 4096, trainBytes); !ok || r != float64(4000+6144000)/float64(4000+4096000) {
		t.Errorf("memory ratio at 4096 = %g, %v", r, ok)
	}
	if _, ok := SweepRatio(rec, "lstm", "minlstm/parallel", 4096, stepMs); ok {
		t.Error("ratio against a skipped point is not n/a")
	}
	if _, ok := SweepRatio(rec, "gru", "mingru/parallel", 1024, stepMs); ok {
		t.Error("ratio at an unswept length is not n/a")
	}
}

func TestSweepMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := SweepMarkdown(&b, synthSweep()); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if !strings.HasPrefix(md, "# rnnbench sequence-length sweep\n\nMachine: Test CPU, 2 cores") {
		t.Fatalf("report does not start with the machine:\n%s", md[:200])
	}
	for _, want := range []string{
		"| training step speedup, GRU ÷ minGRU-parallel time   | 10.00×     | 175×        | 10.00×      | 1324×        |",
		"| training step speedup, LSTM ÷ minLSTM-parallel time | 10.00×     | 235×        | n/a         | 1361×        |",
		"| transformer      |      3 |      2.00 |",
		"- minlstm/parallel T=4096: skipped — analytic memory 9 GiB exceeds --max-mem 3 GiB",
		"Points: 17 of 18 in this record: 16 measured, 1 skipped, 0 failed.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	golden.Check(t, "sweep", b.Bytes())
}

func TestSweepPlots(t *testing.T) {
	dir := t.TempDir()
	files, err := SweepPlots(dir, synthSweep())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3*len(reports.FigureFormats) {
		t.Fatalf("wrote %v, want 3 figures in %d formats", files, len(reports.FigureFormats))
	}
	for _, f := range files {
		if filepath.Ext(f) != ".png" {
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(fh)
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		panels := 2 // inference and memory: two panels side by side
		if filepath.Base(f) == SweepTrainPNG {
			panels = 1
		}
		if b := img.Bounds(); b.Dx() < panels*900 || b.Dx() > panels*900+450 || b.Dy() < 600 || b.Dy() > 760 {
			t.Errorf("%s is %dx%d, want %d 900x600 panels (150 dpi) with a legend and a caption", f, b.Dx(), b.Dy(), panels)
		}
	}
	// Nothing measured: no plot, no error.
	rec := synthSweep()
	for i := range rec.Points {
		rec.Points[i].Status = harness.StatusSkipped
	}
	empty := t.TempDir()
	if files, err := SweepPlots(empty, rec); err != nil || len(files) != 0 {
		t.Fatalf("all skipped: files %v, err %v", files, err)
	}
	if ents, _ := os.ReadDir(empty); len(ents) != 0 {
		t.Fatalf("all skipped wrote %d files", len(ents))
	}
}

func TestHumanBytes(t *testing.T) {
	for _, tc := range []struct {
		b    int64
		want string
	}{{512, "512 B"}, {1536, "1.50 KiB"}, {3 << 30, "3.00 GiB"}, {1000 << 20, "1000 MiB"}} {
		if got := HumanBytes(tc.b); got != tc.want {
			t.Errorf("HumanBytes(%d) = %q, want %q", tc.b, got, tc.want)
		}
	}
}

// The ratios table orders the lengths ascending, each "here" column next
// to the paper's figure for that length: T=1024 (the longest swept) sits
// between 512 and 4096.
func TestSweepSummaryColumnOrder(t *testing.T) {
	rec := synthSweep()
	rec.Sweep.Lengths = []int{128, 512, 1024}
	var b bytes.Buffer
	if err := SweepSummary(&b, rec); err != nil {
		t.Fatal(err)
	}
	want := "| comparison                                          | T=512 here | T=512 paper | T=1024 here | T=4096 here | T=4096 paper |"
	if !strings.Contains(b.String(), want) {
		t.Fatalf("ratios header is not %q:\n%s", want, b.String())
	}
	if strings.Contains(b.String(), "ANCHORS") {
		t.Error("the summary cites ANCHORS.md, which users do not have")
	}
}
