package harness

import (
	"strings"
	"testing"

	"rnnbench/models"
)

func threeModelSweep() *SweepConfig {
	c := models.Config{V: 16, L: 1, D: 8, Expansion: 2, H: 2, N: 4}
	var ms []models.Config
	for _, mm := range [][2]string{{"mingru", "parallel"}, {"mingru", "sequential"}, {"gru", ""}} {
		c.Mixer, c.Mode = mm[0], mm[1]
		ms = append(ms, c)
	}
	return &SweepConfig{Models: ms, Lengths: []int{8, 16, 32, 64}, Batch: 2, WarmupSteps: 2, Repeats: 5, Shards: 1}
}

// Point i is model i / len(Lengths) at length i mod len(Lengths).
func TestSweepSpecOrder(t *testing.T) {
	s := threeModelSweep()
	if s.NumPoints() != 12 {
		t.Fatalf("NumPoints = %d, want 12", s.NumPoints())
	}
	train := TrainConfig{Batch: 99, Steps: 1, Seed: 5}
	want := []struct {
		name string
		T    int
	}{{"mingru/parallel", 8}, {"mingru/parallel", 16}, {"mingru/parallel", 32}, {"mingru/parallel", 64},
		{"mingru/sequential", 8}, {"mingru/sequential", 16}, {"mingru/sequential", 32}, {"mingru/sequential", 64},
		{"gru", 8}, {"gru", 16}, {"gru", 32}, {"gru", 64}}
	for i, w := range want {
		sp := s.Spec(i, train)
		if sp.Index != i || sp.Model.Name() != w.name || sp.T != w.T {
			t.Errorf("Spec(%d) = %s T=%d, want %s T=%d", i, sp.Model.Name(), sp.T, w.name, w.T)
		}
		if sp.Train.Batch != 2 || sp.Train.Steps != 7 || sp.Train.Seed != 5 || sp.Repeats != 5 || sp.WarmupSteps != 2 {
			t.Errorf("Spec(%d) settings: %+v", i, sp)
		}
	}
}

// Shards i/n take the points with index ≡ i (mod n); together they take
// every point exactly once.
func TestSweepShardsPartition(t *testing.T) {
	s := threeModelSweep()
	for _, n := range []int{1, 2, 3, 5, 12, 20} {
		seen := make([]int, s.NumPoints())
		for i := 0; i < n; i++ {
			sh := *s
			sh.Shard, sh.Shards = i, n
			for p := 0; p < s.NumPoints(); p++ {
				if sh.InShard(p) {
					if p%n != i {
						t.Fatalf("n=%d: shard %d took point %d", n, i, p)
					}
					seen[p]++
				}
			}
		}
		for p, k := range seen {
			if k != 1 {
				t.Fatalf("n=%d: point %d taken %d times", n, p, k)
			}
		}
	}
}

func TestSameSweep(t *testing.T) {
	rec := func(mut func(*Record)) *Record {
		r := &Record{Schema: SchemaVersion, Task: "sweep", Sweep: threeModelSweep(), Train: TrainConfig{Batch: 2, LR: 1e-3, Seed: 1}}
		mut(r)
		return r
	}
	base := rec(func(*Record) {})
	same := rec(func(r *Record) {
		r.Sweep.Shard, r.Sweep.Shards, r.Sweep.MaxMemBytes, r.Sweep.PointTimeoutS = 1, 3, 5, 60
	})
	if err := SameSweep(base, same); err != nil {
		t.Fatalf("shards and limits may differ: %v", err)
	}
	for _, tc := range []struct {
		want string
		mut  func(*Record)
	}{
		{"schemas differ", func(r *Record) { r.Schema = 2 }},
		{"not a sweep", func(r *Record) { r.Sweep = nil }},
		{"lengths differ", func(r *Record) { r.Sweep.Lengths = []int{8, 16} }},
		{"models differ", func(r *Record) { r.Sweep.Models[2].D = 16 }},
		{"batch sizes differ", func(r *Record) { r.Sweep.Batch = 4 }},
		{"warm-up/timed steps differ", func(r *Record) { r.Sweep.Repeats = 6 }},
		{"seeds differ", func(r *Record) { r.Train.Seed = 2 }},
	} {
		if err := SameSweep(base, rec(tc.mut)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v", tc.want, err)
		}
	}
}
