package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"rnnbench/internal/atomicfile"
	"rnnbench/internal/safefile"
)

// Tiny Shakespeare: where it comes from and what it must be.
const (
	ShakespeareURL    = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
	ShakespeareSHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
	ShakespeareSize   = 1115394 // bytes
)

// ShakespearePath returns where EnsureShakespeare keeps the file:
// <cacheDir>/rnnbench/tinyshakespeare.txt, with cacheDir defaulting to
// os.UserCacheDir() when empty (which fails if no cache directory is known,
// e.g. $HOME unset).
func ShakespearePath(cacheDir string) (string, error) {
	if cacheDir == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache directory for tiny Shakespeare (%v): set $XDG_CACHE_HOME or $HOME, or pass --data FILE", err)
		}
		cacheDir = d
	}
	return filepath.Join(cacheDir, "rnnbench", "tinyshakespeare.txt"), nil
}

// EnsureShakespeare returns the path of the cached tiny Shakespeare file
// (ShakespearePath(cacheDir)), downloading it from url (ShakespeareURL in
// production) with client (http.DefaultClient if nil) when it is absent or
// its size or SHA-256 is wrong. The download goes to a temporary file in the
// same folder, is checked (ShakespeareSize, ShakespeareSHA256) and then
// renamed into place, so a failed or corrupt transfer leaves nothing behind.
// Errors say what went wrong and how to fix it by hand ("download it from
// <url> and save it as <path>, or pass --data FILE"); a bad transfer wraps
// ErrChecksum, a cancelled ctx wraps ctx.Err(). The path is returned even
// with an error, so the caller can tell the user where the file belongs.
func EnsureShakespeare(ctx context.Context, cacheDir, url string, client *http.Client) (string, error) {
	path, err := ShakespearePath(cacheDir)
	if err != nil {
		return "", err
	}
	return path, ensureFile(ctx, path, url, client, ShakespeareSHA256, ShakespeareSize)
}

// ensureFile makes path hold the file of size bytes with SHA-256 sum (hex),
// downloading it from url if needed. Tests call it with small fake files.
func ensureFile(ctx context.Context, path, url string, client *http.Client, sum string, size int64) error {
	cached := fileMatches(path, sum, size)
	if cached == nil {
		return nil
	}
	err := download(ctx, path, url, client, sum, size)
	if err == nil {
		return nil
	}
	note := ""
	if !errors.Is(cached, os.ErrNotExist) {
		note = fmt.Sprintf(" (the cached copy is unusable: %v)", cached)
	}
	return errorf(err, "cannot get tiny Shakespeare: %v%s: download it from %s and save it as %s, or pass --data FILE",
		err, note, url, path)
}

// fileMatches returns nil if path holds size bytes with SHA-256 sum, an
// error wrapping os.ErrNotExist if it is absent, or another error saying why
// it does not match.
func fileMatches(path, sum string, size int64) error {
	f, _, err := safefile.Open(path) // a regular file: a FIFO in the cache must not block
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return err
	}
	return checkSum(n, h.Sum(nil), sum, size)
}

// checkSum compares n bytes with digest against the wanted size and sum.
func checkSum(n int64, digest []byte, sum string, size int64) error {
	if n != size {
		return errorf(ErrChecksum, "wrong size: got %d bytes, want %d", n, size)
	}
	if got := hex.EncodeToString(digest); got != sum {
		return errorf(ErrChecksum, "wrong SHA-256: got %s, want %s", got, sum)
	}
	return nil
}

// download fetches url into a temporary file next to path, checks it and
// renames it to path (internal/atomicfile). On any failure the temporary
// file is removed.
func download(ctx context.Context, path, url string, client *http.Client, sum string, size int64) (err error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %s", url, resp.Status)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, func(tmp io.Writer) error {
		h := sha256.New()
		// Read at most one byte past size: enough to tell "too long" apart.
		n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(resp.Body, size+1))
		if err != nil {
			return fmt.Errorf("GET %s: transfer failed after %d bytes: %w", url, n, err)
		}
		if n > size {
			return errorf(ErrChecksum, "GET %s: wrong size: body is longer than %d bytes", url, size)
		}
		if err := checkSum(n, h.Sum(nil), sum, size); err != nil {
			return errorf(err, "GET %s: %v", url, err)
		}
		return nil
	})
}
