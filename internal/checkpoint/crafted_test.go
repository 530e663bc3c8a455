package checkpoint

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// build assembles a checkpoint file from a header (with a "sha256" entry
// of 64 zeros) and data, and reseals it: its hash is correct, so only the
// consistency checks can refuse it.
func build(header string, data []byte) []byte {
	h := []byte(header)
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	b = append(append(b, h...), data...)
	b, err := Reseal(b)
	if err != nil {
		panic(err) // the headers below are well-formed
	}
	return b
}

type craftedFile struct {
	name string
	file []byte
	want string
}

// crafted returns headers an attacker might write, each sealed with a
// correct hash, and what Decode must say.
func crafted() []craftedFile {
	md := `"__metadata__":{"sha256":"` + strings.Repeat("0", 64) + `"}`
	data := make([]byte, 16)
	return []craftedFile{
		{"shape [2^30, 2^30, 4]", build(`{"w":{"dtype":"F32","shape":[1073741824,1073741824,4],"data_offsets":[0,16]},`+md+`}`, data), "holds more values than the 16-byte data section"},
		{"shape overflowing int64", build(`{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,16]},`+md+`}`, data), "holds more values"},
		{"negative dimension", build(`{"w":{"dtype":"F32","shape":[-4,-1],"data_offsets":[0,16]},`+md+`}`, data), "holds more values"},
		{"overlapping tensors", build(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[3],"data_offsets":[4,16]},`+md+`}`, data), "overlap the tensor before it"},
		{"same bytes twice", build(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},`+md+`}`, data), "overlap the tensor before it"},
		{"gap", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},`+md+`}`, data), "bytes [4, 8) of the data section belong to no tensor"},
		{"bytes after the tensors", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},`+md+`}`, data), "bytes [8, 16) of the data section belong to no tensor"},
		{"offsets past the end", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[12,20]},`+md+`}`, data), "bytes [12, 20) outside the 16-byte data section"},
		{"size not the shape's", build(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]},`+md+`}`, data), "which needs 12"},
		{"other dtype", build(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},`+md+`}`, data), `dtype "F64"`},
		{"three bytes", []byte{1, 2, 3}, "shorter than the 8-byte header length"},
	}
}

// Every crafted header is refused with ErrCorrupt in one line naming the
// problem, without allocating what it claims.
func TestDecodeRefusesCraftedHeaders(t *testing.T) {
	for _, c := range crafted() {
		_, _, err := Decode(c.file, "c.safetensors")
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want ErrCorrupt with %q", c.name, err, c.want)
		}
	}
}

// The hash covers the header and the metadata, not only the data: a
// renamed tensor, an edited shape or offset, or edited metadata, without
// resealing, is refused as modified.
func TestHashCoversHeader(t *testing.T) {
	good, err := Encode(sample(), map[string]string{"state": `{"step":12}`})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Decode(good, "c"); err != nil {
		t.Fatal(err)
	}
	for from, to := range map[string]string{`"w"`: `"v"`, `\"step\":12`: `\"step\":13`, `[2,3]`: `[3,2]`, `"b"`: `"x"`} {
		b := []byte(strings.Replace(string(good), from, to, 1))
		if string(b) == string(good) {
			t.Fatalf("%s not in the header", from)
		}
		_, _, err := Decode(b, "c")
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "SHA-256 of the file does not match") {
			t.Errorf("%s → %s: err = %v, want a hash mismatch", from, to, err)
		}
	}
}
