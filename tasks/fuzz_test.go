package tasks

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzLoadCorpus feeds arbitrary bytes and sequence lengths to LoadCorpus.
// It must never panic; an error must be one line of a known kind; a corpus
// must decode back to the file and serve batches.
func FuzzLoadCorpus(f *testing.F) {
	f.Add([]byte(""), 1)
	f.Add([]byte("\x00\x01\x02\xff"), 1)
	f.Add([]byte("short"), 4)
	f.Add([]byte("To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n"), 4)
	f.Fuzz(func(t *testing.T, data []byte, T int) {
		path := filepath.Join(t.TempDir(), "f.txt")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := LoadCorpus(path, T)
		if err != nil {
			known := false
			for _, k := range []error{ErrConfig, ErrEmpty, ErrNotText, ErrTooShort, fs.ErrNotExist} {
				known = known || errors.Is(err, k)
			}
			if !known || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q is not one line of a known kind", err)
			}
			return
		}
		n := len(data) * 9 / 10
		if len(c.Train) != n || len(c.Val) != len(data)-n || len(c.Val) < T+1 || len(c.Train) < T+1 {
			t.Fatalf("split %d/%d of %d bytes for T=%d", len(c.Train), len(c.Val), len(data), T)
		}
		for i := 1; i < len(c.Vocab); i++ {
			if c.Vocab[i-1] >= c.Vocab[i] {
				t.Fatalf("vocabulary %q not strictly increasing", c.Vocab)
			}
		}
		if c.Decode(c.Train) != string(data[:n]) {
			t.Fatal("Decode(Train) differs from the training bytes")
		}
		if c.UnknownVal == 0 && c.Decode(c.Val) != string(data[n:]) {
			t.Fatal("Decode(Val) differs from the validation bytes")
		}
		for _, id := range slices.Concat(c.Train, c.Val) {
			if id < 0 || int(id) >= c.V() {
				t.Fatalf("id %d outside [0, %d)", id, c.V())
			}
		}
		b := NewBatch(2, T)
		c.TrainBatch(b, rand.New(rand.NewPCG(1, 2)))
		c.ValBatches(2, T, 1, 3)
		counted := 0
		for _, vb := range c.ValFull(2, T) {
			for _, tg := range vb.Targets {
				if tg >= 0 {
					counted++
				}
			}
		}
		if counted != len(c.Val)-1 {
			t.Fatalf("ValFull counts %d targets, want %d", counted, len(c.Val)-1)
		}
	})
}
