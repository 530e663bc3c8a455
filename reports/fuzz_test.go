package reports

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseBench: the benchmark-format reader never panics; a syntax
// error names its line in one line; what it reads writes back with
// WriteBench (when valid) and parses to the same config and results, bit
// for bit. Seeds: the files in testdata/ and testdata/fuzz/FuzzParseBench.
func FuzzParseBench(f *testing.F) {
	addTestdata(f)
	f.Add([]byte("BenchmarkX 1 2\n"))
	f.Add([]byte("BenchmarkX-8\t10\tNaN ns/op\t+Inf B/op\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		config, results, err := ParseBench(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrLimit) {
				t.Fatalf("error %v is neither a syntax error nor beyond the limits", err)
			}
			if len(err.Error()) > 1500 || strings.Contains(err.Error(), "\n") { // a quoted line and field are clipped to 100 bytes each

				t.Fatalf("error of %d bytes is not one short line", len(err.Error()))
			}
			if errors.Is(err, ErrSyntax) && (!strings.Contains(err.Error(), ": line ") || strings.Contains(err.Error(), "\n")) {
				t.Fatalf("syntax error %q does not name its line in one line", err)
			}
			return
		}
		var b bytes.Buffer
		if WriteBench(&b, config, results) != nil {
			return // e.g. config keys ParseBench tolerates but WriteBench refuses
		}
		config2, results2, err := ParseBench(&b)
		if err != nil {
			t.Fatalf("written back, it does not parse: %v\n%s", err, b.String())
		}
		if d := benchDiff(config2, config, results2, results); d != "" {
			t.Fatalf("written back, it does not parse the same: %s\n%s", d, b.String())
		}
	})
}

// addTestdata adds every testdata/*.txt file as a seed.
func addTestdata(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}
