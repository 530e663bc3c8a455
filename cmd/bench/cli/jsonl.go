package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"rnnbench/harness"
	"rnnbench/internal/safefile"
)

// Finished models and sweep points are appended, one JSON object per line,
// to results.jsonl and points.jsonl as they finish (appendJSONLine writes
// each line with one write and syncs it); results.json and the views are
// rewritten atomically after. A process killed mid-write can leave a torn
// last line: readJSONLines drops it, and --resume rewrites the file
// without it before appending again.

// appendJSONLine appends v as one JSON line to f and syncs it.
func appendJSONLine(f *os.File, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return err
	}
	return f.Sync()
}

// jsonLines is a JSON-lines file read back.
type jsonLines[T any] struct {
	items []T
	raw   [][]byte // each item's line, without the newline
	torn  bool     // a torn last line was dropped
}

// readJSONLines reads the JSON-lines file at path; a missing file has no
// lines. Blank lines are skipped. A last line without its newline that
// does not decode was cut short by a crash and is dropped (torn is set);
// one that decodes is kept (only the newline was lost: a proper prefix of
// a JSON object never decodes). Any other line that does not decode as a
// T is an error naming the file and line: the file is not what bench
// writes.
func readJSONLines[T any](path string) (*jsonLines[T], error) {
	data, err := safefile.ReadFile(path, safefile.JSONLines) // regular file, limits (linelimits.go)
	if errors.Is(err, fs.ErrNotExist) {
		return &jsonLines[T]{}, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeJSONLines[T](data, filepath.Base(path))
}

// decodeJSONLines is readJSONLines on data, named name in errors.
func decodeJSONLines[T any](data []byte, name string) (*jsonLines[T], error) {
	out := &jsonLines[T]{}
	lines := bytes.Split(data, []byte("\n"))
	for i, line := range lines {
		last := i == len(lines)-1 // no newline after it
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(line, &v); err != nil {
			if last {
				out.torn = true
				break
			}
			return nil, fmt.Errorf("%s line %d is not a JSON %s: %v", name, i+1, kindOf[T](), err)
		}
		if err := lineLimits(&v, name, i+1); err != nil {
			return nil, err
		}
		out.items = append(out.items, v)
		out.raw = append(out.raw, line)
	}
	return out, nil
}

// kindOf names what a JSON-lines file holds, for errors.
func kindOf[T any]() string {
	switch any(new(T)).(type) {
	case *harness.Point:
		return "sweep point"
	case *harness.Result:
		return "model result"
	}
	return "object"
}

// rewriteJSONLines atomically replaces path by the given lines, so that
// appending after a torn line starts on a fresh line.
func rewriteJSONLines(path string, raw [][]byte) error {
	if err := removeStaleTemps(filepath.Dir(path)); err != nil { // --resume's first write: leftovers of a crash go
		return err
	}
	var b bytes.Buffer
	for _, line := range raw {
		b.Write(line)
		b.WriteByte('\n')
	}
	return harness.WriteFileAtomic(path, b.Bytes())
}
