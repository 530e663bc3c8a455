package reports

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"rnnbench/internal/golden"
)

func TestMarkdownGolden(t *testing.T) {
	header := []string{"model", "T", "ns/step", "change", "note"}
	rows := [][]string{
		{"mingru", "1024", "1.5e+06", "+12.5%", "a|b"},
		{"lstm", "256", "98765", "-3%", "two\nlines"},
		{"transformer", "64", "—", "n/a", ""},
	}
	var buf bytes.Buffer
	if err := Markdown(&buf, header, rows); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "table", buf.Bytes())
}

func TestMarkdownAlignment(t *testing.T) {
	var buf bytes.Buffer
	// "2x" starts with a digit: right-aligned though its cells are text.
	if err := Markdown(&buf, []string{"name", "2x", "n"}, [][]string{{"12", "a", "3"}, {"b", "c", "4"}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	if len(lines) < 2 {
		t.Fatalf("output too short: %q", buf.String())
	}
	sep := strings.Split(strings.Trim(lines[1], "|"), "|")
	if len(sep) != 3 {
		t.Fatalf("separator %q: want 3 columns", lines[1])
	}
	want := []bool{false, true, true} // right-aligned?
	for i, s := range sep {
		right := strings.HasSuffix(s, ":") && !strings.HasPrefix(s, ":")
		if right != want[i] {
			t.Errorf("column %d separator %q: right-aligned=%v, want %v", i, s, right, want[i])
		}
	}
}

func TestMarkdownShapeErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown(&buf, nil, nil); !errors.Is(err, ErrShape) {
		t.Errorf("empty header: err = %v, want ErrShape", err)
	}
	if err := Markdown(&buf, []string{"a", "b"}, [][]string{{"x"}}); !errors.Is(err, ErrShape) {
		t.Errorf("short row: err = %v, want ErrShape", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q on error", buf.String())
	}
}
