package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWriteFileReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "results.json")
	for _, data := range []string{"old\n", "new\n"} {
		if err := WriteFile(p, []byte(data)); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		st, _ := os.Stat(p)
		if err != nil || string(b) != data || st.Mode().Perm() != 0o644 {
			t.Fatalf("%q, %v, mode %v", b, err, st.Mode())
		}
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("left %d entries", len(es))
	}
}

// A fill that fails leaves the target as it was and no temporary file.
func TestWriteFailureLeavesTarget(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "loss.png")
	os.WriteFile(p, []byte("old"), 0o644)
	bad := errors.New("checksum mismatch")
	err := Write(p, func(w io.Writer) error {
		w.Write([]byte("half"))
		return bad
	})
	if err != bad {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("target changed to %q", b)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("left %d entries", len(es))
	}
	if err := WriteFile(filepath.Join(dir, "nope", "x"), nil); err == nil {
		t.Fatal("write into a missing folder succeeded")
	}
}

// RemoveStale removes exactly the names TempPattern yields: files and
// folders, in every folder given, and nothing else.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "checkpoints")
	os.Mkdir(sub, 0o755)
	var want []string
	for _, d := range []string{dir, sub} {
		f, _ := os.CreateTemp(d, TempPattern("results.json"))
		f.Close()
		want = append(want, f.Name())
	}
	td, _ := MkdirTemp(dir, "report")
	os.WriteFile(filepath.Join(td, "loss.png"), nil, 0o644)
	want = append(want, td)
	keep := []string{".tmp-notes", "results.json", ".tmp-x-12a", "tmp-x-12", ".tmp--"}
	for _, k := range keep {
		os.WriteFile(filepath.Join(dir, k), nil, 0o644)
	}
	got, err := RemoveStale(dir, sub, filepath.Join(dir, "missing"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("removed %v, want %v", got, want)
	}
	for _, k := range keep {
		if _, err := os.Stat(filepath.Join(dir, k)); err != nil {
			t.Fatalf("removed %s", k)
		}
	}
}
