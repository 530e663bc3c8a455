package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mustExist fails the test (and goes on) for each of files, paths
// relative to dir, that is missing.
func mustExist(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
}

// mustBench runs bench with args and fails the test unless it exits 0;
// it returns what bench printed on stdout.
func mustBench(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := bench(t, args...)
	if code != ExitOK {
		t.Fatalf("bench %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}
