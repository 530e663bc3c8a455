package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// realShakespeare is the shared copy of tiny Shakespeare, if this checkout
// sits next to one (never copied into the repository).
const realShakespeare = "../../shared/data/tinyshakespeare.txt"

func TestRealShakespeare(t *testing.T) {
	data, err := os.ReadFile(realShakespeare)
	if os.IsNotExist(err) {
		t.Skipf("%s is absent: save tiny Shakespeare (%s) there to run this test", realShakespeare, ShakespeareURL)
	}
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if len(data) != ShakespeareSize || hex.EncodeToString(sum[:]) != ShakespeareSHA256 {
		t.Fatalf("%s: %d bytes, SHA-256 %x; want %d, %s", realShakespeare, len(data), sum, ShakespeareSize, ShakespeareSHA256)
	}
	c, err := LoadCorpus(realShakespeare, 256)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Vocab) != 65 || c.UnknownVal != 0 || c.V() != 65 {
		t.Errorf("vocabulary %d (unknown val %d, V %d), want 65, 0, 65", len(c.Vocab), c.UnknownVal, c.V())
	}
	if len(c.Train) != 1003854 || len(c.Val) != 111540 {
		t.Errorf("split %d / %d, want 1003854 / 111540", len(c.Train), len(c.Val))
	}
	if got := c.Decode(c.Train[:14]); got != "First Citizen:" {
		t.Errorf("text starts %q, want \"First Citizen:\"", got)
	}

	// The download path end to end, with the real constants, from a local server.
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(data) })
	cache := t.TempDir()
	path, err := EnsureShakespeare(context.Background(), cache, srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(cache, "rnnbench", "tinyshakespeare.txt") {
		t.Errorf("path %s", path)
	}
	if got, _ := os.ReadFile(path); string(got) != string(data) {
		t.Error("cached copy differs from the source")
	}
}
