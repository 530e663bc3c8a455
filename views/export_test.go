package views

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
	"testing"

	"rnnbench/harness"
)

// A run exports one row per model with every measured field, accuracy in
// percent; the JSON form holds the same values, NaN (not measured) as
// null and an empty CSV cell.
func TestExportRun(t *testing.T) {
	rec := benchRecord()
	rec.Points = nil
	tab := Export(rec)
	if len(tab.Rows) != 2 {
		t.Fatalf("%d rows, want one per model (2)", len(tab.Rows))
	}
	col := func(name string) int {
		i := slices.Index(tab.Header, name)
		if i < 0 {
			t.Fatalf("no column %q in %v", name, tab.Header)
		}
		return i
	}
	for name, want := range map[string]any{
		"model": "", "mixer": "mingru", "seq_len": int64(64), "params": int64(13000), "memory_total_B": int64(15),
		"step_ms_median": 2.0, "step_ms_n": int64(30), "last_eval_accuracy_pct": 12.5, "last_eval_seq_accuracy_pct": 6.25, "last_eval_loss": 2.5,
	} {
		if got := tab.Rows[0][col(name)]; got != want {
			t.Errorf("%s = %v (%T), want %v", name, got, got, want)
		}
	}
	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 3 || !slices.Equal(rows[0], tab.Header) {
		t.Fatalf("CSV: %d rows, %v", len(rows), err)
	}
	if v := rows[1][col("last_eval_accuracy_pct")]; v != "12.5" {
		t.Errorf("CSV accuracy %q, want 12.5", v)
	}
	if v := rows[2][col("last_eval_loss")]; v != "" { // gru: no evaluation
		t.Errorf("CSV loss of a model without evaluation %q, want empty", v)
	}
	b.Reset()
	if err := tab.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(b.Bytes(), &objs); err != nil {
		t.Fatalf("JSON: %v\n%s", err, b.String())
	}
	if len(objs) != 2 || objs[0]["last_eval_accuracy_pct"] != 12.5 || objs[1]["last_eval_loss"] != nil || objs[0]["mixer"] != "mingru" {
		t.Fatalf("JSON objects: %v", objs)
	}
}

// A sweep exports one row per point, skipped ones included with their
// reason; CSV values read back bit for bit.
func TestExportSweep(t *testing.T) {
	rec := synthSweep()
	tab := Export(rec)
	if len(tab.Rows) != len(rec.Points) {
		t.Fatalf("%d rows for %d points", len(tab.Rows), len(rec.Points))
	}
	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(&b).ReadAll()
	ci, si, ri := slices.Index(rows[0], "step_ms_median"), slices.Index(rows[0], "status"), slices.Index(rows[0], "reason")
	for i, p := range rec.Points {
		if rows[i+1][si] != p.Status || rows[i+1][ri] != p.Reason {
			t.Errorf("point %d: status %q reason %q", i, rows[i+1][si], rows[i+1][ri])
		}
		if v, err := strconv.ParseFloat(rows[i+1][ci], 64); err != nil || v != p.StepMs.Median {
			t.Errorf("point %d: step_ms_median %q, want %v", i, rows[i+1][ci], p.StepMs.Median)
		}
	}
	if rec.Points[0].Status != harness.StatusOK {
		t.Fatal("fixture changed")
	}
}
