package harness

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"rnnbench/models"
)

// entry is a test unit's log line.
type entry struct {
	Unit  *Unit `json:"unit"`
	Value int   `json:"value"`
}

func entryUnit(e *entry) *Unit { return e.Unit }

// testUnits is n units whose keys differ in their seed.
func testUnits(n int) []Unit {
	var us []Unit
	for i := range n {
		us = append(us, Unit{Index: i, ID: "u" + string(rune('a'+i)), Key: UnitKey{Kind: UnitTrain, Task: "t", Model: models.Config{Mixer: "gru"}, Train: TrainConfig{Seed: uint64(i)}}})
	}
	return us
}

// With Jobs 3, at most 3 units run at once and at least 2 overlap; every
// unit of the shard is logged once; a resume of the log runs nothing
// again; a log line whose key differs from the plan's is refused, naming
// the field.
func TestEngineJobsShardsAndResume(t *testing.T) {
	dir := t.TempDir()
	units := testUnits(8)
	var running, peak atomic.Int32
	gate := make(chan struct{})
	var open sync.Once
	e := Engine[entry]{Dir: dir, Log: "log.jsonl", Units: units, Shard: 1, Shards: 2, Jobs: 3,
		Run: func(ctx context.Context, u Unit) (entry, bool, error) {
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			if n == 2 {
				open.Do(func() { close(gate) }) // two run at once: let every unit finish
			}
			<-gate
			running.Add(-1)
			return entry{Unit: &u, Value: 10 * u.Index}, true, nil
		}}
	var order []int
	e.Done = func(u Unit, _ entry, _ bool) error { order = append(order, u.Index); return nil }
	if err := e.Execute(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p < 2 || p > 3 {
		t.Fatalf("peak of %d units at once, want 2..3", p)
	}
	if len(order) != 4 {
		t.Fatalf("Done for units %v, want the 4 of shard 1/2", order)
	}
	f, err := LoadFinished(filepath.Join(dir, "log.jsonl"), units, 1, 2, entryUnit)
	if err != nil || len(f.Entries) != 4 || f.Entries[3].Value != 30 {
		t.Fatalf("finished: %v %+v", err, f)
	}
	e.Run = func(context.Context, Unit) (entry, bool, error) {
		t.Fatal("a finished unit ran again")
		return entry{}, false, nil
	}
	if err := e.Execute(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	units[3].Key.Train.LR = 0.5
	if _, err := LoadFinished(filepath.Join(dir, "log.jsonl"), units, 1, 2, entryUnit); err == nil || !strings.Contains(err.Error(), `unit "ud": its key differs from the plan's: train.lr was 0, the flags give 0.5`) {
		t.Fatalf("changed key: %v", err)
	}
	if _, err := LoadFinished(filepath.Join(dir, "log.jsonl"), units, 0, 2, entryUnit); err == nil || !strings.Contains(err.Error(), "not a unit of this plan's shard") {
		t.Fatalf("other shard: %v", err)
	}
}

// A second Lock of a locked folder fails naming the holder; CheckUnlocked
// agrees and writes nothing; after release both succeed.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	if err := CheckUnlocked(dir); err != nil {
		t.Fatal(err)
	}
	release, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(dir); err == nil || !strings.Contains(err.Error(), "(pid ") {
		t.Fatalf("second lock: %v", err)
	}
	if err := CheckUnlocked(dir); err == nil {
		t.Fatal("CheckUnlocked of a locked folder")
	}
	release()
	if err := CheckUnlocked(dir); err != nil {
		t.Fatal(err)
	}
	r2, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	r2()
	if _, err := os.Stat(filepath.Join(dir, LockFile)); err != nil {
		t.Fatal(err)
	}
}
