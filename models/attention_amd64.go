package models

import (
	"os"

	"golang.org/x/sys/cpu"
)

// haveStream reports whether streamCopy32 (attention_amd64.s) runs: AVX,
// and RNNBENCH_NOASM unset (as for the other kernels).
var haveStream = cpu.X86.HasAVX && os.Getenv("RNNBENCH_NOASM") == ""

// streamCopy32 copies n float32 from src to dst with non-temporal stores
// (dst is not read into the cache); n ≥ 0, both hold n elements.
//
//go:noescape
func streamCopy32(dst, src *float32, n int)
