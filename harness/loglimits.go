package harness

import "fmt"

// lineLimits applies RecordLimits to one decoded line of
// results.jsonl or points.jsonl (line n of the file name).
func lineLimits(v any, name string, n int) error {
	var err error
	switch v := v.(type) {
	case *Result:
		err = resultLimits(v)
	case *Point:
		err = pointLimits(v)
	}
	if err != nil { // "points.jsonl line 3: a point's name is … bytes, …", as DecodeLog names lines
		return fmt.Errorf("%s line %d: %v", name, n, err)
	}
	return nil
}
