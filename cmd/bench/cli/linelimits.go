package cli

import (
	"fmt"

	"rnnbench/harness"
)

// lineLimits applies harness.RecordLimits to one decoded line of
// results.jsonl or points.jsonl (line n of the file name).
func lineLimits(v any, name string, n int) error {
	var err error
	switch v := v.(type) {
	case *harness.Result:
		err = harness.CheckResultLimits(v, name)
	case *harness.Point:
		err = harness.CheckPointLimits(v, name)
	}
	if err != nil {
		return fmt.Errorf("line %d: %w", n, err)
	}
	return nil
}
