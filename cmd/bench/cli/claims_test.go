package cli

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"rnnbench/claims"
)

var updateClaims = flag.Bool("update-claims", false, "rewrite testdata/claims/tiny.golden")

// claimsCorpus writes a small char-lm corpus for the tiny preset.
func claimsCorpus(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "corpus.txt")
	text := strings.Repeat("First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n", 60)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The tiny preset runs every experiment and writes claims.md with one
// section per claim; its structure (every number masked, the machine line
// dropped) is pinned by testdata/claims/tiny.golden. A second, resumed
// invocation changes no seeded figure.
func TestClaimsTinyReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "claims")
	data := claimsCorpus(t)
	code, stdout, stderr := bench(t, "claims", "--preset", "tiny", "--quiet", "--data", data, "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, claims.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "| # | claim") {
		t.Errorf("stdout lacks the summary table:\n%s", stdout)
	}
	mustExist(t, out, "index.html", "sweep/points.jsonl", "selective-copy/results.jsonl", "parity/lengths.md", "mqar/results.json", "char-lm/loss.png")
	got := claimsStructure(string(md))
	path := filepath.Join("testdata", "claims", "tiny.golden")
	if *updateClaims {
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/bench/cli -run ClaimsTiny -update-claims creates it)", err)
	}
	if got != string(want) {
		t.Errorf("claims.md structure differs from %s (-update-claims rewrites it after an intended change)\n--- got\n%s", path, got)
	}
	// --resume of a finished folder runs nothing and rewrites the same seeded figures.
	code, _, stderr = bench(t, "claims", "--preset", "tiny", "--quiet", "--data", data, "--resume", out)
	if code != ExitOK {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	again, _ := os.ReadFile(filepath.Join(out, claims.ReportFile))
	if seeded(string(again)) != seeded(string(md)) {
		t.Errorf("a resumed report changed its seeded figures:\n%s\nvs\n%s", again, md)
	}
	// Two shards merged give the unsharded report's seeded figures.
	dir := t.TempDir()
	var shards []string
	for _, sh := range []string{"0/2", "1/2"} {
		o := filepath.Join(dir, "shard"+sh[:1])
		if code, _, stderr := bench(t, "claims", "--preset", "tiny", "--quiet", "--data", data, "--shard", sh, "--out", o); code != ExitOK {
			t.Fatalf("shard %s: exit %d: %s", sh, code, stderr)
		}
		shards = append(shards, o)
	}
	merged := filepath.Join(dir, "merged")
	if code, _, stderr := bench(t, append([]string{"claims", "--preset", "tiny", "--merge", "--out", merged}, shards...)...); code != ExitOK {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	m, _ := os.ReadFile(filepath.Join(merged, claims.ReportFile))
	if seeded(string(m)) != seeded(string(md)) {
		t.Errorf("2 shards merged differ from the unsharded report:\n%s\nvs\n%s", m, md)
	}
	if code, _, stderr := bench(t, "claims", "--preset", "huge", "--out", filepath.Join(t.TempDir(), "x")); code != ExitBadInput || !strings.Contains(stderr, "allowed quick, paper, tiny") {
		t.Errorf("bad preset: exit %d: %s", code, stderr)
	}
}

var digits = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)

// claimsStructure masks every number and drops the machine line and
// padding, leaving the report's structure.
func claimsStructure(md string) string {
	var out []string
	timed := false // claim 1's verdict rests on timings: masked
	verdict := regexp.MustCompile(`(holds partly|does not hold at this scale|holds)`)
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "## ") {
			timed = strings.HasPrefix(l, "## 1.")
		}
		if strings.HasPrefix(l, "Preset ") {
			l = "Preset <machine line>"
		}
		l = regexp.MustCompile(`\(CPU, [^)]*\)`).ReplaceAllString(l, "(CPU, <cpu>)")
		if timed && strings.HasPrefix(l, "- Verdict:") {
			l = "- Verdict: <timed>"
		}
		if strings.HasPrefix(l, "| 1 ") {
			l = verdict.ReplaceAllString(l, "<timed>")
		}
		l = digits.ReplaceAllString(l, "N")
		l = regexp.MustCompile(` +`).ReplaceAllString(l, " ")
		l = regexp.MustCompile(`-{2,}`).ReplaceAllString(l, "-")
		l = regexp.MustCompile(`--data \S+`).ReplaceAllString(l, "--data FILE")
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// seeded drops the timed figures (claims 1 and 6 rows and sections),
// keeping every seeded one.
func seeded(md string) string {
	var out []string
	skip := false
	for _, l := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(l, "## "):
			skip = strings.HasPrefix(l, "## 1.") || strings.HasPrefix(l, "## 6.")
		case strings.HasPrefix(l, "| 1 ") || strings.HasPrefix(l, "| 6 ") || strings.HasPrefix(l, "Preset "):
			continue
		}
		if !skip {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
