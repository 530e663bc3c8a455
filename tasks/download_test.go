package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

var fakePayload = []byte("First Citizen:\nBefore we proceed any further, hear me speak.\n")

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// serve starts a server whose handler is h and counts requests.
func serve(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// dirEntries lists the names in dir ("" if it does not exist).
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestEnsureFileDownloadsAndCaches(t *testing.T) {
	srv, hits := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fakePayload) })
	path := filepath.Join(t.TempDir(), "rnnbench", "tinyshakespeare.txt")
	sum, size := sha256Hex(fakePayload), int64(len(fakePayload))
	for i := range 2 {
		if err := ensureFile(context.Background(), path, srv.URL, srv.Client(), sum, size); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != string(fakePayload) {
			t.Fatalf("call %d: cached file = %q", i, got)
		}
	}
	if hits.Load() != 1 {
		t.Errorf("%d requests, want 1 (second call should use the cache)", hits.Load())
	}
	if names := dirEntries(t, filepath.Dir(path)); len(names) != 1 {
		t.Errorf("cache holds %v, want only tinyshakespeare.txt", names)
	}
	// A cached file with the wrong content is downloaded again.
	os.WriteFile(path, []byte("stale"), 0o644)
	if err := ensureFile(context.Background(), path, srv.URL, srv.Client(), sum, size); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(fakePayload) || hits.Load() != 2 {
		t.Errorf("after stale cache: file %q, %d requests; want the payload, 2", got, hits.Load())
	}
}

func TestEnsureFileFailures(t *testing.T) {
	sum, size := sha256Hex(fakePayload), int64(len(fakePayload))
	corrupt := append([]byte{}, fakePayload...)
	corrupt[3] ^= 1
	cases := []struct {
		name  string
		h     http.HandlerFunc
		kind  error  // nil: only the message is checked
		cause string // part of the message
	}{
		{"corrupt body", func(w http.ResponseWriter, r *http.Request) { w.Write(corrupt) }, ErrChecksum, "wrong SHA-256: got " + sha256Hex(corrupt) + ", want " + sum},
		{"short body", func(w http.ResponseWriter, r *http.Request) { w.Write(fakePayload[:10]) }, ErrChecksum, "wrong size: got 10 bytes, want " + strconv.Itoa(len(fakePayload))},
		{"long body", func(w http.ResponseWriter, r *http.Request) { w.Write(append(fakePayload, 'x')) }, ErrChecksum, "wrong size: body is longer than " + strconv.Itoa(len(fakePayload)) + " bytes"},
		{"truncated transfer", func(w http.ResponseWriter, r *http.Request) {
			// Promise more bytes than are sent; the server then drops the connection.
			w.Header().Set("Content-Length", strconv.Itoa(len(fakePayload)+100))
			w.Write(fakePayload)
		}, nil, "transfer failed after " + strconv.Itoa(len(fakePayload)) + " bytes: unexpected EOF"},
		{"connection closed", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(fakePayload)))
			w.Write(fakePayload[:5])
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, nil, "transfer failed after 5 bytes"},
		{"404", http.NotFound, nil, "HTTP 404 Not Found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, _ := serve(t, c.h)
			dir := filepath.Join(t.TempDir(), "rnnbench")
			path := filepath.Join(dir, "tinyshakespeare.txt")
			err := ensureFile(context.Background(), path, srv.URL+"/input.txt", srv.Client(), sum, size)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			fix := "download it from " + srv.URL + "/input.txt and save it as " + path + ", or pass --data FILE"
			if !strings.Contains(msg, c.cause) || !strings.HasSuffix(msg, fix) || strings.Contains(msg, "\n") {
				t.Errorf("error %q\nwant one line containing %q and ending %q", msg, c.cause, fix)
			}
			if c.kind != nil && !errors.Is(err, c.kind) {
				t.Errorf("error does not wrap %v", c.kind)
			}
			if names := dirEntries(t, dir); len(names) != 0 {
				t.Errorf("cache holds %v after a failed download, want nothing", names)
			}
		})
	}
}

func TestEnsureFileCancelled(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fakePayload) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := filepath.Join(t.TempDir(), "f.txt")
	err := ensureFile(ctx, path, srv.URL, srv.Client(), sha256Hex(fakePayload), int64(len(fakePayload)))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestEnsureShakespeareCachePath(t *testing.T) {
	srv, _ := serve(t, http.NotFound)
	cache := t.TempDir()
	want := filepath.Join(cache, "rnnbench", "tinyshakespeare.txt")
	path, err := EnsureShakespeare(context.Background(), cache, srv.URL, srv.Client())
	if path != want || err == nil || !strings.Contains(err.Error(), "save it as "+want) {
		t.Errorf("EnsureShakespeare = %q, %v; want path %q and a 404 error", path, err, want)
	}
	if runtime.GOOS == "linux" {
		xdg := t.TempDir()
		t.Setenv("XDG_CACHE_HOME", xdg)
		if p, err := ShakespearePath(""); err != nil || p != filepath.Join(xdg, "rnnbench", "tinyshakespeare.txt") {
			t.Errorf("ShakespearePath(\"\") = %q, %v; want it under $XDG_CACHE_HOME", p, err)
		}
	}
}

func TestEnsureFileStaleCacheAndFailedDownload(t *testing.T) {
	srv, _ := serve(t, http.NotFound)
	path := filepath.Join(t.TempDir(), "tinyshakespeare.txt")
	os.WriteFile(path, []byte("stale"), 0o644)
	err := ensureFile(context.Background(), path, srv.URL, srv.Client(), sha256Hex(fakePayload), int64(len(fakePayload)))
	want := "HTTP 404 Not Found (the cached copy is unusable: wrong size: got 5 bytes, want " + strconv.Itoa(len(fakePayload)) + ")"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want it to contain %q", err, want)
	}
	if got, _ := os.ReadFile(path); string(got) != "stale" {
		t.Errorf("cached file = %q, want it left as it was", got)
	}
}
