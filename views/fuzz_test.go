package views

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rnnbench/reports"
)

// FuzzReadBenchFile: the rnnbench results.bench reader (schema and count
// lines on top of ParseBench) never panics and fails only with its
// sentinel errors.
func FuzzReadBenchFile(f *testing.F) {
	// Seeds: reports' benchmark-format files and testdata/fuzz/FuzzReadBenchFile.
	seeds, _ := filepath.Glob(filepath.Join("..", "reports", "testdata", "*.txt"))
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("rnnbench-schema: 2\nBenchmarkX 1 2 ns/op\nrnnbench-results: 1\n"))
	f.Add([]byte("rnnbench-schema: 1\nBenchmarkX 1 2 ns/op\nrnnbench-results: -1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, results, err := ReadBenchFile(bytes.NewReader(data))
		switch {
		case err == nil && len(results) == 0:
			t.Fatal("no error and no results")
		case err != nil && !errors.Is(err, reports.ErrSyntax) && !errors.Is(err, ErrSchema) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrNoResults) && !errors.Is(err, reports.ErrLimit) && !strings.Contains(err.Error(), "token too long"):
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}
