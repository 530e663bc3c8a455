package checkpoint

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sample() []Tensor {
	return []Tensor{
		{Name: "w", Shape: []int{2, 3}, Data: []float32{1, -2, 3.5, float32(math.Inf(1)), 0, -0.25}},
		{Name: "b", Shape: []int{1}, Data: []float32{7}},
	}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.safetensors")
	if err := Write(path, sample(), map[string]string{"step": "12"}); err != nil {
		t.Fatal(err)
	}
	got, meta, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta["step"] != "12" || len(meta["sha256"]) != 64 {
		t.Fatalf("metadata %v", meta)
	}
	want := sample()
	if len(got) != 2 || got[0].Name != "w" || got[1].Name != "b" {
		t.Fatalf("tensors %+v", got)
	}
	for i := range want {
		for j := range want[i].Data {
			if math.Float32bits(got[i].Data[j]) != math.Float32bits(want[i].Data[j]) {
				t.Fatalf("%s[%d] = %v, want %v", want[i].Name, j, got[i].Data[j], want[i].Data[j])
			}
		}
	}
	// The layout is safetensors': header length, JSON header padded to 8, then 7 floats.
	b, _ := os.ReadFile(path)
	n := binary.LittleEndian.Uint64(b)
	if n%8 != 0 || uint64(len(b)) != 8+n+7*4 || b[8] != '{' {
		t.Fatalf("layout: header %d bytes, file %d bytes", n, len(b))
	}
}

func TestRefusesCorruptOrTruncated(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.safetensors")
	if err := Write(path, sample(), nil); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	flip := append([]byte(nil), good...)
	flip[len(flip)-3] ^= 0x40
	huge := append([]byte(nil), good...)
	binary.LittleEndian.PutUint64(huge, 1<<40)
	for name, b := range map[string][]byte{
		"bit flip in data": flip,
		"truncated data":   good[:len(good)-4],
		"truncated header": good[:20],
		"empty":            {},
		"absurd header":    huge,
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		if _, _, err := Read(p); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", name, err)
		}
	}
}

func FuzzRead(f *testing.F) {
	path := filepath.Join(f.TempDir(), "seed")
	Write(path, sample(), map[string]string{"k": "v"})
	b, _ := os.ReadFile(path)
	f.Add(b)
	f.Add([]byte{})
	for _, c := range crafted() {
		f.Add(c.file)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, _, err := Decode(data, "x") // must not panic
		if err != nil {
			if !errors.Is(err, ErrCorrupt) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %q: want one line wrapping ErrCorrupt", err)
			}
			return
		}
		end := 0
		for _, tn := range ts { // accepted: tensors tile the data in order
			end += 4 * len(tn.Data)
		}
		if n := binary.LittleEndian.Uint64(data); uint64(end) != uint64(len(data))-8-n {
			t.Fatalf("accepted tensors cover %d bytes of a %d-byte data section", end, uint64(len(data))-8-n)
		}
	})
}
