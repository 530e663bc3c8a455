package tasks

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// writeFile writes data to a fresh file in t.TempDir and returns its path.
func writeFile(t testing.TB, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.txt")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadCorpusHandWorked(t *testing.T) {
	// 21 bytes, T = 2 (the minimum, 10·T+1): train = first 18, val = last 3.
	path := writeFile(t, []byte("hello hello hello oz!"))
	c, err := LoadCorpus(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Vocab) != " ehlo" {
		t.Errorf("Vocab = %q, want \" ehlo\"", c.Vocab)
	}
	word := []int32{2, 1, 3, 3, 4, 0} // h e l l o ' '
	wantTrain := slices.Concat(word, word, word)
	if !slices.Equal(c.Train, wantTrain) {
		t.Errorf("Train = %v, want %v", c.Train, wantTrain)
	}
	// 'o' is known; 'z' and '!' never occur in training: unknown id 5.
	if !slices.Equal(c.Val, []int32{4, 5, 5}) || c.UnknownVal != 2 || c.V() != 6 {
		t.Errorf("Val = %v, UnknownVal = %d, V = %d; want [4 5 5], 2, 6", c.Val, c.UnknownVal, c.V())
	}
	if got := c.Decode(c.Val); got != "o\uFFFD\uFFFD" {
		t.Errorf("Decode(Val) = %q", got)
	}
	if got := c.Decode(c.Train); got != "hello hello hello " {
		t.Errorf("Decode(Train) = %q", got)
	}
	if got := c.Decode([]int32{-1, 99}); got != "\uFFFD\uFFFD" {
		t.Errorf("Decode(out of range) = %q", got)
	}
	ids, err := c.Encode("hole")
	if err != nil || !slices.Equal(ids, []int32{2, 4, 3, 1}) {
		t.Errorf("Encode(hole) = %v, %v; want [2 4 3 1]", ids, err)
	}
	_, err = c.Encode("hz")
	if !errors.Is(err, ErrUnknownByte) || !strings.Contains(err.Error(), `"z" at offset 1`) {
		t.Errorf("Encode(hz) error = %v", err)
	}
}

func TestCorpusVWithoutUnknown(t *testing.T) {
	c, err := LoadCorpus(writeFile(t, []byte("abababababababababab")), 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.UnknownVal != 0 || c.V() != 2 || !slices.Equal(c.Val, []int32{0, 1}) {
		t.Errorf("UnknownVal %d, V %d, Val %v; want 0, 2, [0 1]", c.UnknownVal, c.V(), c.Val)
	}
}

func TestLoadCorpusUTF8Bytes(t *testing.T) {
	// Byte-level: "é" is two bytes, 0xC3 0xA9, each its own id (sorted: 0xA9 first).
	c, err := LoadCorpus(writeFile(t, []byte(strings.Repeat("é", 20))), 1)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Vocab) != "\xa9\xc3" || !slices.Equal(c.Train[:4], []int32{1, 0, 1, 0}) || len(c.Train) != 36 || len(c.Val) != 4 {
		t.Errorf("Vocab %q, Train %v, %d val; want \"\\xa9\\xc3\", [1 0 1 0 ...] (36), 4", c.Vocab, c.Train, len(c.Val))
	}
}

func TestLoadCorpusSplitMatchesNanoGPT(t *testing.T) {
	// nanoGPT: n = int(0.9*len(data)); we compute len*9/10 in integers.
	for n := range 2_000_000 {
		if got, want := n*9/10, int(0.9*float64(n)); got != want {
			t.Fatalf("len %d: split %d, nanoGPT %d", n, got, want)
		}
	}
}

func TestLoadCorpusLengthBoundary(t *testing.T) {
	for _, T := range []int{1, 2, 7, 50} {
		for _, n := range []int{10*T - 1, 10 * T, 10*T + 1, 10*T + 2} {
			c, err := LoadCorpus(writeFile(t, []byte(strings.Repeat("x", n))), T)
			trainLen, valLen := n*9/10, n-n*9/10
			fits := trainLen >= T+1 && valLen >= T+1
			if fits != (err == nil) {
				t.Errorf("T=%d n=%d (train %d, val %d): err = %v", T, n, trainLen, valLen, err)
			}
			if err == nil && (len(c.Train) != trainLen || len(c.Val) != valLen) {
				t.Errorf("T=%d n=%d: split %d/%d", T, n, len(c.Train), len(c.Val))
			}
			if err != nil && !errors.Is(err, ErrTooShort) {
				t.Errorf("T=%d n=%d: %v is not ErrTooShort", T, n, err)
			}
		}
	}
}

func TestLoadCorpusErrors(t *testing.T) {
	dir := t.TempDir()
	short := writeFile(t, []byte(strings.Repeat("y", 20)))
	missing := filepath.Join(dir, "nope.txt")
	nul := writeFile(t, []byte("hello\x00world"))
	// 100 bytes, 11 control bytes (> 10%): binary; 10 (= 10%) is still text.
	ctrl11 := writeFile(t, []byte(strings.Repeat("\x01", 11)+strings.Repeat("a", 89)))
	cases := []struct {
		name, path string
		T          int
		kind       error
		msg        string
	}{
		{"T<1", short, 0, ErrConfig, "--seq-len 0: need seq-len ≥ 1"},
		{"missing", missing, 8, fs.ErrNotExist, "data file " + strconv.Quote(missing) + " does not exist: check the path passed to --data"},
		{"directory", dir, 8, ErrNotText, "data file " + strconv.Quote(dir) + " is a directory, not a regular file: pass --data with a text file"},
		{"empty", writeFile(t, nil), 8, ErrEmpty, "is empty: pass --data with a non-empty text file"},
		{"NUL", nul, 1, ErrNotText, "looks binary (NUL byte at offset 5): pass --data with a plain text file"},
		{"control", ctrl11, 1, ErrNotText, "looks binary (11 of 100 bytes are unprintable, more than 10%)"},
		{"short", short, 2, ErrTooShort, "data file " + strconv.Quote(short) + " has 20 bytes (train 18, val 2) but --seq-len 2 needs at least 21 bytes so that both parts hold seq-len+1 = 3: use a longer file or a smaller --seq-len"},
		{"huge T", short, 1 << 62, ErrTooShort, "--seq-len 4611686018427387904 needs more than any file holds"},
	}
	for _, c := range cases {
		_, err := LoadCorpus(c.path, c.T)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q (kind %v), want one line containing %q", c.name, err, c.kind, c.msg)
		}
	}
}

func TestCheckTextRule(t *testing.T) {
	cases := []struct {
		data string
		ok   bool
	}{
		{strings.Repeat("\x01", 10) + strings.Repeat("a", 90), true},                   // exactly 10%
		{strings.Repeat("\x7f", 11) + strings.Repeat("a", 89), false},                  // DEL counts
		{"tab\tnewline\ncr\r\nff\fvt\v", true},                                         // whitespace controls are text
		{"un caf\xe9 au lait et une cr\xe8me br\xfbl\xe9e, na\xefvement, merci", true}, // Latin-1, 5 of 53 bytes
		{"\x80\x81\x82\x83", false},                                                    // invalid UTF-8, not printable Latin-1
		{"\xff\xfe\xfd\xfc", true},                                                     // invalid UTF-8 but Latin-1 "ÿþýü"
		{"\u0085\u0085\u0085a", false},                                                 // UTF-8 encoded C1 controls
		{"r\xc3\xa9sum\xc3\xa9 \u65e5\u672c", true},                                    // UTF-8 multi-byte
		{"\uFFFD\uFFFD\uFFFD", true},                                                   // encoded U+FFFD is valid text
	}
	for _, c := range cases {
		if err := checkText("f", []byte(c.data)); (err == nil) != c.ok {
			t.Errorf("checkText(%q) = %v, want ok=%v", c.data, err, c.ok)
		}
	}
}

func TestCheckTextRandomBytes(t *testing.T) {
	// Random bytes with every NUL replaced: still about 25% unprintable.
	rng := rand.New(rand.NewPCG(1, 1))
	data := make([]byte, 4096)
	for i := range data {
		data[i] = byte(1 + rng.IntN(255))
	}
	if err := checkText("f", data); !errors.Is(err, ErrNotText) {
		t.Errorf("random bytes: %v, want ErrNotText", err)
	}
}

func TestReadErrorPermission(t *testing.T) {
	// Root reads any file, so map a synthetic EACCES as os.ReadFile returns it.
	err := readError("/x/data.txt", &fs.PathError{Op: "open", Path: "/x/data.txt", Err: fs.ErrPermission})
	want := `cannot read data file "/x/data.txt": permission denied: make it readable (chmod a+r) or pass --data with a readable copy`
	if !errors.Is(err, fs.ErrPermission) || err.Error() != want {
		t.Errorf("readError = %q, want %q", err, want)
	}
	other := fmt.Errorf("disk on fire")
	if err := readError("f", other); !errors.Is(err, other) || err.Error() != `cannot read data file "f": disk on fire` {
		t.Errorf("readError(other) = %q", err)
	}
}

func TestLoadCorpusUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: chmod 000 does not stop root from reading; TestReadErrorPermission covers the mapping")
	}
	path := writeFile(t, []byte(strings.Repeat("z", 100)))
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCorpus(path, 1); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("error = %v, want fs.ErrPermission", err)
	}
}
