package harness

import (
	"strings"
	"testing"
	"time"
)

// Crafted records beyond RecordLimits are refused in one line naming the
// limit, quickly: a 10 MB model name, a sweep of 200,000 lengths, a point
// with a huge reason.
func TestDecodeRecordLimits(t *testing.T) {
	lengths := strings.Repeat("8,", 200_000) + "8"
	for _, tc := range []struct {
		name, data, want string
	}{
		{"huge result name", `{"schema": 1, "task": "selective-copy", "results": [{"name": "` + strings.Repeat("m", 10<<20) + `"}]}`, "a result's name is 10485760 bytes, more than the 256 allowed"},
		{"huge mixer", `{"schema": 1, "task": "sweep", "planned": [{"mixer": "` + strings.Repeat("g", 300) + `"}]}`, "a mixer name is 300 bytes"},
		{"huge task", `{"schema": 1, "task": "` + strings.Repeat("t", 257) + `"}`, "a task name is 257 bytes"},
		{"200,000 lengths", `{"schema": 1, "task": "sweep", "sweep": {"lengths": [` + lengths + `]}}`, "holds 200001 sweep lengths, more than the 500 allowed"},
		{"huge reason", `{"schema": 1, "task": "sweep", "points": [{"name": "gru", "reason": "` + strings.Repeat("r", 5000) + `"}]}`, "a point's reason is 5000 bytes"},
	} {
		t0 := time.Now()
		_, err := DecodeRecord([]byte(tc.data), "r.json")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), `"r.json"`) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %.200v, want one line with %q", tc.name, err, tc.want)
		}
		if d := time.Since(t0); d > 2*time.Second {
			t.Errorf("%s: took %v", tc.name, d)
		}
	}
	ok := `{"schema": 1, "task": "sweep", "sweep": {"lengths": [8, 16]}, "points": [{"name": "mingru/parallel", "reason": "x"}]}`
	if _, err := DecodeRecord([]byte(ok), "r.json"); err != nil {
		t.Fatal(err)
	}
}
