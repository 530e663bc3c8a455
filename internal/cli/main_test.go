package cli

import (
	"os"
	"testing"
)

// asBench makes the test binary act as the bench command: a sweep re-runs
// os.Executable() (this test binary in tests) as `bench point ...` for each
// point, and TestMain turns those children into bench.
const asBench = "RNNBENCH_TEST_AS_BENCH"

func TestMain(m *testing.M) {
	if os.Getenv(asBench) == "1" {
		os.Exit(Main(append([]string{"bench"}, os.Args[1:]...), os.Stdout, os.Stderr))
	}
	os.Setenv(asBench, "1") // for the children of this process only
	os.Exit(m.Run())
}
