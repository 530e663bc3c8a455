package harness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"rnnbench/internal/safefile"
)

// An experiment's finished units are appended, one JSON object per line,
// to its log (results.jsonl for training runs, points.jsonl for sweeps) as
// they finish: AppendLine writes each line with one write and syncs it;
// results.json and the views are rewritten atomically after. A process
// killed mid-write can leave a torn last line: ReadLog drops it, and a
// resume rewrites the file without it (RewriteLines) before appending.

// AppendLine appends v as one JSON line to f (one write) and syncs it.
func AppendLine(f *os.File, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return err
	}
	return f.Sync()
}

// Lines is a JSON-lines file read back.
type Lines[T any] struct {
	Items []T
	Raw   [][]byte // each item's line, without the newline
	Torn  bool     // a torn last line was dropped
}

// ReadLog reads the JSON-lines file at path; a missing file has no lines.
// Blank lines are skipped. A last line without its newline that does not
// decode was cut short by a crash and is dropped (Torn is set); one that
// decodes is kept (only the newline was lost: a proper prefix of a JSON
// object never decodes). Any other line that does not decode as a T is an
// error naming the file and line: the file is not what bench writes.
func ReadLog[T any](path string) (*Lines[T], error) {
	data, err := safefile.ReadFile(path, safefile.JSONLines) // a regular file within limits
	if errors.Is(err, fs.ErrNotExist) {
		return &Lines[T]{}, nil
	}
	if err != nil {
		return nil, err
	}
	return DecodeLog[T](data, filepath.Base(path))
}

// DecodeLog is ReadLog on data, named name in errors.
func DecodeLog[T any](data []byte, name string) (*Lines[T], error) {
	out := &Lines[T]{}
	lines := bytes.Split(data, []byte("\n"))
	for i, line := range lines {
		last := i == len(lines)-1 // no newline after it
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(line, &v); err != nil {
			if last {
				out.Torn = true
				break
			}
			return nil, fmt.Errorf("%s line %d is not a JSON %s: %v", name, i+1, kindOf[T](), err)
		}
		if err := lineLimits(&v, name, i+1); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, v)
		out.Raw = append(out.Raw, line)
	}
	return out, nil
}

// kindOf names what a JSON-lines file holds, for errors.
func kindOf[T any]() string {
	switch any(new(T)).(type) {
	case *Point:
		return "sweep point"
	case *Result:
		return "model result"
	}
	return "object"
}

// RewriteLines atomically replaces path by the given lines, so that
// appending after a torn line starts on a fresh line.
func RewriteLines(path string, raw [][]byte) error {
	var b bytes.Buffer
	for _, line := range raw {
		b.Write(line)
		b.WriteByte('\n')
	}
	return WriteFileAtomic(path, b.Bytes())
}
