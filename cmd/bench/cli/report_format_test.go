package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bench run writes results.csv and index.html beside the other files;
// bench report --format prints csv, json or md to stdout and writes
// nothing; bench report (without --format) rewrites index.html.
func TestReportFormats(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := bench(t, tiny(out, "--model", "mingru,gru")...); code != ExitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"results.csv", "index.html", "loss.svg", "loss.pdf", BenchFile} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("run did not write %s", f)
		}
	}
	before, _ := os.ReadDir(out)
	code, stdout, stderr := bench(t, "report", "--format", "csv", out)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if code != ExitOK || stderr != "" || err != nil || len(rows) != 3 || rows[1][1] != "mingru/parallel" || rows[2][1] != "gru" {
		t.Fatalf("--format csv: exit %d, stderr %q, %v, rows %v", code, stderr, err, rows)
	}
	code, stdout, _ = bench(t, "report", "--format", "json", out)
	var objs []map[string]any
	if err := json.Unmarshal([]byte(stdout), &objs); code != ExitOK || err != nil || len(objs) != 2 || objs[1]["model"] != "gru" {
		t.Fatalf("--format json: exit %d, %v, %v", code, err, objs)
	}
	md, _ := os.ReadFile(filepath.Join(out, "results.md"))
	if code, stdout, _ = bench(t, "report", "--format", "md", out); code != ExitOK || stdout != string(md) {
		t.Fatalf("--format md: exit %d, output differs from results.md", code)
	}
	if code, _, stderr = bench(t, "report", "--format", "xml", out); code != ExitBadInput || !strings.Contains(stderr, "allowed csv, json, md") {
		t.Fatalf("--format xml: exit %d, %q", code, stderr)
	}
	after, _ := os.ReadDir(out)
	if len(after) != len(before) {
		t.Fatalf("--format wrote files: %d entries, then %d", len(before), len(after))
	}
	os.Remove(filepath.Join(out, "index.html"))
	if code, _, stderr := bench(t, "report", out); code != ExitOK || !strings.Contains(stderr, "index.html") {
		t.Fatalf("report: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Fatal("bench report did not rewrite index.html")
	}
}
