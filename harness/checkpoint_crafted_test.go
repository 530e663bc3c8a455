package harness

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rnnbench/internal/checkpoint"
	"rnnbench/models"
)

// realCheckpoint returns a checkpoint file of tinyRun("mingru") taken at
// step 4 (evaluations at steps 0 and 3), with its run's settings, but one
// block of width 4 (craftedConfig): a 6 KB file, small enough for the
// fuzzer to minimise what it derives from it in seconds.
func realCheckpoint(t *testing.T) []byte {
	t.Helper()
	c, cfg, task := craftedConfig()
	return interruptedCheckpoint(t, c, cfg, task, filepath.Join(t.TempDir(), "ck"), 100, 4)
}

// interruptedCheckpoint trains model c on task with cfg, saving a
// checkpoint to path every `every` steps, interrupts the run once step
// stop is done (as Ctrl-C does: the interrupted run saves its
// checkpoint) and returns the checkpoint file's bytes.
func interruptedCheckpoint(t *testing.T, c models.Config, cfg TrainConfig, task Task, path string, every, stop int) []byte {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := TrainOptions{CheckpointEvery: every, CheckpointPath: path, OnStep: func(n int, _ *Stepper) {
		if n == stop {
			cancel()
		}
	}}
	if _, err := TrainWith(ctx, newModel(t, c, cfg.Seed), task, cfg, nil, opt); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// craftedConfig is tinyRun("mingru") with one block of width 4.
func craftedConfig() (models.Config, TrainConfig, Task) {
	c, cfg, task := tinyRun("mingru", 0)
	c.L, c.D, c.Expansion = 1, 4, 1
	return c, cfg, task
}

// editHeader replaces the first from in b's JSON header by to, fixing the
// header length; with seal, the file's hash is recomputed (a deliberate
// forgery), else it is left stale (an edit).
func editHeader(t *testing.T, b []byte, from, to string, seal bool) []byte {
	t.Helper()
	n := binary.LittleEndian.Uint64(b)
	h := string(b[8 : 8+n])
	if !strings.Contains(h, from) {
		t.Fatalf("%s not in the header", from)
	}
	h = strings.Replace(h, from, to, 1)
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	out = append(append(out, h...), b[8+n:]...)
	if seal {
		var err error
		if out, err = checkpoint.Reseal(out); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// craftedCheckpoints are the attacks of the reliability issue on a real
// checkpoint: each is refused with ErrCorrupt, by the hash when it was
// edited without resealing, by the consistency checks when the hash was
// recomputed.
func craftedCheckpoints(t *testing.T) []struct {
	name string
	file []byte
	want string
} {
	b := realCheckpoint(t)
	n := binary.LittleEndian.Uint64(b)
	h := string(b[8 : 8+n])
	// The first parameter's entry, and the offsets of the second.
	first := `"blocks.0.mixer.in.weight":{"dtype":"F32","shape":[`
	if !strings.Contains(h, first) {
		t.Fatalf("no %s in %s", first, h[:200])
	}
	shape := h[strings.Index(h, first)+len(first)-len(`"shape":[`):]
	shape = shape[:strings.Index(shape, "]")+1]
	offs := h[strings.Index(h, first):]
	offs = offs[strings.Index(offs, `"data_offsets":[`):]
	offs = offs[:strings.Index(offs, "]")+1]
	var lo, hi int
	fmt.Sscanf(offs, `"data_offsets":[%d,%d]`, &lo, &hi)
	m, v := "adamw.m.blocks.0.mixer.in.weight", "adamw.v.blocks.0.mixer.in.weight"
	swapped := editHeader(t, b, `"`+m+`"`, `"TMP`+m[3:]+`"`, false)
	swapped = editHeader(t, swapped, `"`+v+`"`, `"`+m+`"`, false)
	swapped = editHeader(t, swapped, `"TMP`+m[3:]+`"`, `"`+v+`"`, true)
	if lo < 4 {
		t.Fatalf("%s is the first tensor", first)
	}
	// The evaluation at step 3 (the best so far) with its loss lowered.
	at := strings.Index(h, `\"step\":3,`)
	lowered := editHeader(t, b, h[at:at+strings.Index(h[at:], `\"loss\":`)+len(`\"loss\":`)], h[at:at+strings.Index(h[at:], `\"loss\":`)]+`\"loss\":0.01,\"x\":`, true)
	return []struct {
		name string
		file []byte
		want string
	}{
		{"shape [2^30, 2^30, 4], hash resealed", editHeader(t, b, shape, `"shape":[1073741824,1073741824,4]`, true), "holds more values than the"},
		{"overlapping tensors, hash resealed", editHeader(t, b, offs, fmt.Sprintf(`"data_offsets":[%d,%d]`, lo-4, hi-4), true), "overlap"},
		{"AdamW moments swapped, hash resealed", swapped, "tensors renamed or swapped"},
		{"AdamW moments swapped", editHeader(t, b, `"`+m+`"`, `"`+v[:len(v)-1]+`X"`, false), "SHA-256 of the file does not match"},
		{"step edited", editHeader(t, b, `\"step\":4`, `\"step\":5`, false), "SHA-256 of the file does not match"},
		{"step edited, hash resealed", editHeader(t, b, `\"step\":4`, `\"step\":5`, true), "inconsistent state: step 5, AdamW step 4"},
		{"step and counters edited, hash resealed", editHeader(t, editHeader(t, b, `\"step\":4`, `\"step\":5`, false), `\"adamw_t\":4`, `\"adamw_t\":5`, true), "inconsistent state"},
		{"evaluation loss edited", editHeader(t, b, `\"step\":3,`, `\"step\":2,`, false), "SHA-256 of the file does not match"},
		{"evaluation loss lowered, hash resealed", lowered, "best evaluation at step 3"},
		{"format 1", editHeader(t, b, CheckpointFormat, "rnnbench-checkpoint/1", true), `format "rnnbench-checkpoint/1"`},
	}
}

// TestCheckpointCrafted: every crafted checkpoint is refused (ErrCorrupt,
// one line naming the file), at load or when checked against the model,
// and never loaded into the model.
func TestCheckpointCrafted(t *testing.T) {
	c, cfg, task := craftedConfig()
	for _, tc := range craftedCheckpoints(t) {
		path := filepath.Join(t.TempDir(), "ck")
		if err := os.WriteFile(path, tc.file, 0o644); err != nil {
			t.Fatal(err)
		}
		ck, err := LoadCheckpoint(path)
		m := newModel(t, c, cfg.Seed)
		before := slices.Clone(m.PS.Data)
		if err == nil {
			_, err = TrainWith(context.Background(), m, task, cfg, nil, TrainOptions{Resume: ck})
		}
		if !errors.Is(err, checkpoint.ErrCorrupt) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `"`+path+`"`) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want ErrCorrupt naming the file with %q", tc.name, err, tc.want)
		}
		if !slices.Equal(before, m.PS.Data) {
			t.Errorf("%s: loaded into the model", tc.name)
		}
	}
}

// TestWriteCheckpointSeeds writes the crafted checkpoints into the fuzz
// corpus when RNNBENCH_WRITE_SEEDS=1 (go test ./harness -run
// TestWriteCheckpointSeeds); otherwise it checks that they are there.
func TestWriteCheckpointSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzLoadCheckpoint")
	for i, tc := range craftedCheckpoints(t) {
		path := filepath.Join(dir, fmt.Sprintf("crafted-%02d", i))
		data := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", tc.file)
		if os.Getenv("RNNBENCH_WRITE_SEEDS") == "1" {
			if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("seed of %q missing: %v (RNNBENCH_WRITE_SEEDS=1 writes it)", tc.name, err)
		}
	}
}
