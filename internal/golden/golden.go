// Package golden compares test output with the golden files in a
// package's testdata/: Check(t, "name", got) against testdata/name.golden,
// rewritten instead when the test runs with -update. Only tests import it
// (it registers the -update flag).
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files")

// Check compares got with testdata/name.golden, or rewrites that file when
// the test runs with -update.
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update in the package creates it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s mismatch (go test -update in the package rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
