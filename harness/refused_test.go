package harness

import (
	"strings"
	"testing"
)

// refused reports whether a decoder under fuzzing refused its input
// (err != nil), failing t when the refusal is more than one line (the
// house rule for bad input: one line naming the problem).
func refused(t *testing.T, err error) bool {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), "\n") {
		t.Fatalf("error is not one line: %q", err)
	}
	return err != nil
}
