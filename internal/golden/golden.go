// Package golden compares test output with the golden files in a
// package's testdata/: Check(t, "name", got) against testdata/name.golden,
// rewritten instead when the test runs with -update. Only tests import it
// (it registers the -update flag). ReadJSON reads a JSON fixture.
package golden

import (
	"encoding/json"
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

// ReadJSON decodes the JSON fixture at path (one written by a reference
// implementation, e.g. scripts/torch) into v, failing t with regenerate
// (how to write the fixture again) when the file cannot be read, and
// naming path when it does not decode.
func ReadJSON(t testing.TB, path string, v any, regenerate string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (regenerate with %s)", err, regenerate)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
