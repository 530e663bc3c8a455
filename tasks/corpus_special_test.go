package tasks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"rnnbench/internal/safefile/safefiletest"
	"time"
)

// --data files that are not regular text files are refused at once by
// name, in one line with the path quoted: a FIFO (which a plain open
// would block on forever) within a second, /dev/zero (endless) without
// reading it, a 10 GB sparse file from its size alone, and a path holding
// a newline.
func TestLoadCorpusSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs:", err)
	}
	sparse := filepath.Join(dir, "sparse.txt")
	safefiletest.Sparse(t, sparse, 10<<30)
	newline := filepath.Join(dir, "a\nb.txt")
	os.WriteFile(newline, []byte(strings.Repeat("a", 100)), 0o644)
	cases := []struct {
		name, path string
		kind       error
		want       string
	}{
		{"FIFO", fifo, ErrNotText, "is a named pipe (FIFO), not a regular file: pass --data with a text file"},
		{"/dev/zero", "/dev/zero", ErrNotText, `data file "/dev/zero" is a character device, not a regular file`},
		{"10 GB sparse", sparse, ErrTooLarge, "is 10 GiB, more than the 256 MiB allowed: pass --data with a smaller text file"},
		{"newline in the name", newline, ErrTooShort, `"` + strings.ReplaceAll(newline, "\n", `\n`) + `" has 100 bytes`},
	}
	for _, c := range cases {
		var err error
		grew, took := safefiletest.Cost(func() {
			done := make(chan error, 1)
			go func() { _, err := LoadCorpus(c.path, 16); done <- err }()
			select {
			case err = <-done:
			case <-time.After(time.Second):
				t.Fatalf("%s: LoadCorpus still running after a second", c.name)
			}
		})
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %q, want one line with %q", c.name, err, c.want)
		}
		if c.kind != ErrTooShort && grew > 1<<20 {
			t.Errorf("%s: allocated %d bytes to refuse it", c.name, grew)
		}
		if took > time.Second {
			t.Errorf("%s: took %v", c.name, took)
		}
	}
}
