package harness

import (
	"fmt"
	"strconv"
	"strings"
)

// lineLimits applies RecordLimits to one decoded line of
// results.jsonl or points.jsonl (line n of the file name).
func lineLimits(v any, name string, n int) error {
	var err error
	switch v := v.(type) {
	case *Result:
		err = CheckResultLimits(v, name)
	case *Point:
		err = CheckPointLimits(v, name)
	}
	if err != nil { // "points.jsonl line 3: a point's name is … bytes, …", as decodeJSONLines names lines
		return fmt.Errorf("%s line %d: %s", name, n, strings.TrimPrefix(err.Error(), strconv.Quote(name)+": "))
	}
	return nil
}
