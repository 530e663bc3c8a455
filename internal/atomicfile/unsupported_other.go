//go:build !unix

package atomicfile

// isUnsupported: directories cannot be synced outside Unix (Windows).
func isUnsupported(error) bool { return true }
