package reports

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Crafted benchmark files beyond the limits fail at once, in one short
// line: 10^5 lines, a 10 MB name, a 100 KB line; a bad line longer than
// 100 bytes is quoted clipped.
func TestParseBenchLimits(t *testing.T) {
	line := "BenchmarkX\t1\t5 ns/op\n"
	for _, tc := range []struct {
		name, data, want string
	}{
		{"10^5 lines", strings.Repeat(line, 100_000), "more than 10000 lines"},
		{"10 MB name", "BenchmarkX" + strings.Repeat("y", 10<<20) + "\t1\t5 ns/op\n", "line 1 is longer than 65536 bytes"},
		{"2000-byte name", "BenchmarkX" + strings.Repeat("y", 2000) + "\t1\t5 ns/op\n", "line 1: benchmark name of 2010 bytes, more than 1024"},
		{"100 KB config line", "goos: " + strings.Repeat("z", 100<<10) + "\n" + line, "line 1 is longer than 65536 bytes"},
	} {
		t0 := time.Now()
		_, _, err := ParseBench(strings.NewReader(tc.data))
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), tc.want) || len(err.Error()) > 300 {
			t.Errorf("%s: err = %.300v, want ErrLimit with %q", tc.name, err, tc.want)
		}
		if d := time.Since(t0); d > time.Second {
			t.Errorf("%s: took %v", tc.name, d)
		}
	}
	_, _, err := ParseBench(strings.NewReader("BenchmarkX\t1\t" + strings.Repeat("5", 1000) + "\n"))
	if !errors.Is(err, ErrSyntax) || len(err.Error()) > 300 || !strings.Contains(err.Error(), `55..."`) {
		t.Errorf("bad long line: err = %v, want a clipped quote", err)
	}
	if _, res, err := ParseBench(strings.NewReader(strings.Repeat(line, MaxBenchLines))); err != nil || len(res) != MaxBenchLines {
		t.Errorf("%d lines: %d results, %v", MaxBenchLines, len(res), err)
	}
}
