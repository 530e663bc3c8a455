package harness

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestDecodeRecord(t *testing.T) {
	for _, tc := range []struct {
		data, want string
	}{
		{`{"schema": 1, "task": "sweep"}`, ""},
		{`{"schema": 1, "task": "sel`, "truncated or foreign"},
		{``, "truncated or foreign"},
		{`{"name": "left-pad", "version": "1.3.0"}`, `has no "schema" field`},
		{`[1, 2]`, "truncated or foreign"},
		{`{"schema": 2, "task": "x"}`, "has results schema 2; this bench reads schema 1"},
		{`{"schema": 1, "results": 7}`, "truncated or foreign"},
	} {
		rec, err := DecodeRecord([]byte(tc.data), "r.json")
		switch {
		case tc.want == "" && (err != nil || rec.Task != "sweep"):
			t.Errorf("%q: %v", tc.data, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), `"r.json" `)):
			t.Errorf("%q: err = %v, want one naming r.json with %q", tc.data, err, tc.want)
		}
	}
}

// FuzzDecodeRecord: the results.json reader never panics, accepts only
// the current schema, errs in one line, and what it accepts encodes back
// to a record that decodes to the same JSON. Seeds: testdata/fuzz/FuzzDecodeRecord.
func FuzzDecodeRecord(f *testing.F) {
	f.Add([]byte(`{"schema": 1, "task": "selective-copy", "results": [{"name": "mingru/parallel", "evals": [{"step": 3, "loss": 1.5}]}]}`))
	f.Add([]byte(`{"schema": 1, "task": "sweep", "sweep": {"lengths": [8, 16]}, "points": [{"index": 0, "T": 8}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := DecodeRecord(data, "results.json")
		if refused(t, err) {
			return
		}
		if rec.Schema != SchemaVersion {
			t.Fatalf("accepted schema %d", rec.Schema)
		}
		a, err := json.Marshal(rec)
		if err != nil {
			return // e.g. a time outside the years 0–9999 decodes but does not encode
		}
		again, err := DecodeRecord(a, "again")
		if err != nil {
			t.Fatalf("re-encoded record refused: %v", err)
		}
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Fatalf("round trip differs:\n%s\n%s", a, b)
		}
	})
}
