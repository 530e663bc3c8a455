package models

// streamCopy32 copies n float32 from src to dst with non-temporal stores
// (dst is not read into the cache); n ≥ 0, both hold n elements. It runs
// where the other kernels do (useAVX: AVX2, which implies the AVX it needs).
//
//go:noescape
func streamCopy32(dst, src *float32, n int)
