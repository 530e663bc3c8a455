package reports

import (
	"bytes"
	"errors"
	"math"
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
		if err != nil || len(config2) != len(config) || len(results2) != len(results) {
			t.Fatalf("written back, it does not parse the same: %v\n%s", err, b.String())
		}
		for i := range config {
			if config[i] != config2[i] {
				t.Fatalf("config %d: %+v then %+v", i, config[i], config2[i])
			}
		}
		for i, r := range results {
			r2 := results2[i]
			if r.Name != r2.Name || r.Iters != r2.Iters || len(r.Metrics) != len(r2.Metrics) {
				t.Fatalf("result %d: %+v then %+v", i, r, r2)
			}
			for j, m := range r.Metrics {
				m2 := r2.Metrics[j]
				if m.Unit != m2.Unit || math.Float64bits(m.Value) != math.Float64bits(m2.Value) && !(math.IsNaN(m.Value) && math.IsNaN(m2.Value)) {
					t.Fatalf("result %d metric %d: %+v then %+v", i, j, m, m2)
				}
			}
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
