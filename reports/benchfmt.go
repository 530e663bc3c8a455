package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrSyntax reports a malformed benchmark result line or an invalid
// Config or Result given to WriteBench.
var ErrSyntax = errors.New("reports: benchmark format syntax")

// Metric is one measured value and its unit, e.g. {1.5e6, "ns/step"}.
// Units contain no spaces; see Classify for the units rnnbench uses
// ("ns/step", "tokens/s", "peak-B", "analytic-B", "GFLOP/s", "loss",
// "accuracy", "params", ...).
type Metric struct {
	Value float64
	Unit  string
}

// Result is one benchmark result line. Name starts with "Benchmark",
// followed by an upper-case letter or nothing, and contains no spaces,
// e.g. "BenchmarkTrain/task=sweep/model=mingru/mode=parallel/T=1024".
// Iters is the iteration count (b.N), at least 1.
type Result struct {
	Name    string
	Iters   int
	Metrics []Metric
}

// Config is a "key: value" configuration line such as "goos: linux".
// Key starts with a lower-case letter and has no spaces, upper-case
// letters or colons; Value has no newlines nor leading or trailing spaces
// (an empty Value is written as "key:").
type Config struct {
	Key, Value string
}

// WriteBench writes config lines, then one line per result:
// Name<TAB>Iters<TAB>value unit<TAB>value unit..., with values formatted
// by strconv 'g' -1 so they parse back bit for bit (NaN and ±Inf included).
// The output follows the Go benchmark format that benchstat reads.
// Everything is checked before anything is written: an invalid key,
// value, name, iteration count (< 1), unit, or a result without metrics
// returns an error wrapping ErrSyntax. Otherwise it returns w's error.
func WriteBench(w io.Writer, config []Config, results []Result) error {
	for _, c := range config {
		if err := checkConfig(c); err != nil {
			return err
		}
	}
	for _, r := range results {
		if err := checkResult(r); err != nil {
			return err
		}
	}
	bw := bufio.NewWriter(w)
	for _, c := range config {
		bw.WriteString(c.Key + ":")
		if c.Value != "" {
			bw.WriteString(" " + c.Value)
		}
		bw.WriteByte('\n')
	}
	for _, r := range results {
		bw.WriteString(r.Name + "\t" + strconv.Itoa(r.Iters))
		for _, m := range r.Metrics {
			bw.WriteString("\t" + strconv.FormatFloat(m.Value, 'g', -1, 64) + " " + m.Unit)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// Limits of ParseBench, far above what bench writes (a results.bench has
// a few hundred lines of a few hundred bytes): a crafted file fails at the
// first line beyond them, in one line, without reading on.
const (
	MaxBenchLines     = 10_000   // lines of any kind
	MaxBenchLineBytes = 64 << 10 // bytes of one line
	MaxBenchName      = 1024     // bytes of a benchmark name
)

// ErrLimit reports a benchmark file beyond MaxBenchLines,
// MaxBenchLineBytes or MaxBenchName.
var ErrLimit = errors.New("reports: benchmark file beyond limits")

// ParseBench reads the config and result lines of a Go benchmark-format
// stream, such as files written by WriteBench or the output of
// `go test -bench` (PASS/ok lines, logs, and the bare name lines printed by
// -v are ignored). Config lines are returned in file order, repeats
// included; trailing spaces of values are trimmed. A line whose first
// field is a benchmark name but which is not a valid result line returns
// an error wrapping ErrSyntax that names the line number; a file beyond
// the limits above one wrapping ErrLimit; read errors are returned as is.
func ParseBench(r io.Reader) (config []Config, results []Result, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4<<10), MaxBenchLineBytes+1)
	n := 1
	for ; sc.Scan(); n++ {
		if n > MaxBenchLines {
			return nil, nil, fmt.Errorf("%w: more than %d lines", ErrLimit, MaxBenchLines)
		}
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) > 0 && isBenchName(fields[0]) {
			if len(fields[0]) > MaxBenchName {
				return nil, nil, fmt.Errorf("%w: line %d: benchmark name of %d bytes, more than %d", ErrLimit, n, len(fields[0]), MaxBenchName)
			}
			if len(fields) == 1 {
				continue // "go test -v" prints the bare name as a benchmark starts
			}
			res, err := parseResult(fields)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: line %d: %v: %q", ErrSyntax, n, err, clip(line))
			}
			results = append(results, res)
			continue
		}
		if c, ok := parseConfig(line); ok {
			config = append(config, c)
		}
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return nil, nil, fmt.Errorf("%w: line %d is longer than %d bytes", ErrLimit, n, MaxBenchLineBytes)
	} else if err != nil {
		return nil, nil, err
	}
	return config, results, nil
}

// clip shortens a line or field quoted in an error to 100 bytes and
// "...", so that the error stays one short line whatever the file holds.
func clip(line string) string {
	if len(line) <= 100 {
		return line
	}
	return strings.ToValidUTF8(line[:100], "") + "..."
}

// parseResult parses the fields of a result line:
// name iterations value unit [value unit ...].
func parseResult(f []string) (Result, error) {
	if len(f) < 4 || len(f)%2 != 0 {
		return Result{}, errors.New("want name, iterations and value-unit pairs")
	}
	iters, err := strconv.Atoi(f[1])
	if err != nil || iters < 0 {
		return Result{}, fmt.Errorf("bad iteration count %q", clip(f[1]))
	}
	res := Result{Name: f[0], Iters: iters, Metrics: make([]Metric, 0, (len(f)-2)/2)}
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return Result{}, fmt.Errorf("bad value %q", clip(f[i]))
		}
		res.Metrics = append(res.Metrics, Metric{Value: v, Unit: f[i+1]})
	}
	return res, nil
}

// parseConfig parses "key: value" or "key:"; ok is false for other lines.
func parseConfig(line string) (c Config, ok bool) {
	key, val, found := strings.Cut(line, ":")
	if !found || !validKey(key) {
		return Config{}, false
	}
	if val == "" {
		return Config{Key: key}, true
	}
	if val[0] != ' ' && val[0] != '\t' {
		return Config{}, false
	}
	return Config{Key: key, Value: strings.TrimFunc(val, unicode.IsSpace)}, true
}

// isBenchName reports whether s is "Benchmark" followed by nothing or an
// upper-case letter.
func isBenchName(s string) bool {
	rest, ok := strings.CutPrefix(s, "Benchmark")
	if !ok {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || unicode.IsUpper(r)
}

func validKey(k string) bool {
	r, _ := utf8.DecodeRuneInString(k)
	return k != "" && unicode.IsLower(r) && !strings.ContainsFunc(k, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsUpper(r) || r == ':'
	})
}

func checkConfig(c Config) error {
	if !validKey(c.Key) {
		return fmt.Errorf("%w: config key %q: want lower-case start, no spaces, upper case or colons", ErrSyntax, c.Key)
	}
	if strings.ContainsAny(c.Value, "\n\r") || strings.TrimFunc(c.Value, unicode.IsSpace) != c.Value {
		return fmt.Errorf("%w: config %s: value %q has newlines or surrounding spaces", ErrSyntax, c.Key, c.Value)
	}
	return nil
}

func checkResult(r Result) error {
	if !isBenchName(r.Name) || strings.ContainsFunc(r.Name, unicode.IsSpace) {
		return fmt.Errorf("%w: result name %q: want Benchmark[A-Z]... without spaces", ErrSyntax, r.Name)
	}
	if len(r.Name) > MaxBenchName {
		return fmt.Errorf("%w: result name of %d bytes, more than %d", ErrSyntax, len(r.Name), MaxBenchName)
	}
	if r.Iters < 1 {
		return fmt.Errorf("%w: %s: iterations %d < 1", ErrSyntax, r.Name, r.Iters)
	}
	if len(r.Metrics) == 0 {
		return fmt.Errorf("%w: %s: no metrics", ErrSyntax, r.Name)
	}
	for _, m := range r.Metrics {
		if m.Unit == "" || strings.ContainsFunc(m.Unit, unicode.IsSpace) {
			return fmt.Errorf("%w: %s: unit %q is empty or has spaces", ErrSyntax, r.Name, m.Unit)
		}
	}
	return nil
}
