// Package safefiletest helps the tests of readers built on safefile: it
// makes a file they must refuse without reading it, and measures what
// refusing it cost. Only tests import it.
package safefiletest

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// Sparse creates a sparse file of size bytes at path: one fstat says it
// is huge, but reading it would take its whole size. The test is skipped
// on a file system without sparse files.
func Sparse(t testing.TB, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Skip("no sparse files here:", err)
	}
}

// Cost runs f and returns the bytes the process allocated meanwhile
// (runtime.MemStats.TotalAlloc) and the wall time it took.
func Cost(f func()) (alloc uint64, took time.Duration) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	f()
	took = time.Since(t0)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, took
}
