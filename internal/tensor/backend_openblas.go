//go:build openblas

package tensor

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"

	"rnnbench/internal/tensor/openblas"
)

// The OpenBLAS backend (build tag openblas, link with -lopenblas): blas32
// and blas64 go to OpenBLAS through gonum.org/v1/netlib's cgo wrapper; the
// library's own functions (core name, threads) through the cgo package
// internal/tensor/openblas.
//
// OpenBLAS runs single-threaded: Gemm splits large products into tiles
// and runs them on tensor.For's pool, so that the number of cores used
// follows GOMAXPROCS, OpenBLAS's own threads do not spin against the
// pool's goroutines in the elementwise kernels between matmuls, and the
// tiling (hence every bit of the result) does not depend on the number
// of workers.
//
// OpenBLAS picks its kernels from the CPU it recognises when the library
// loads, unless the environment variable OPENBLAS_CORETYPE names them.
// Either way the kernels can be slower than the CPU allows: 0.3.21 falls
// back to older kernels on CPUs it does not know, and this project's
// machine sets OPENBLAS_CORETYPE=Haswell (AVX2) in its environment on an
// AVX-512 CPU, which halves the Sgemm rate. The variable is read only when
// the library loads, before any Go code runs, so init fixes the situation
// by re-executing the process (same executable, arguments and
// environment) with OPENBLAS_CORETYPE set to the best kernel for the
// CPU's flags (SkylakeX with AVX-512, Haswell with AVX2), once: the new
// process has RNNBENCH_OPENBLAS_REEXEC=1 and does not try again. Set
// RNNBENCH_OPENBLAS_REEXEC=0 to keep the slower kernels; Backend() then
// names them and the fix, which init also prints to stderr.

// avx512Cores and avx2Cores are the OpenBLAS core names whose kernels use
// AVX-512 and (at least) AVX2 with FMA.
var (
	avx512Cores = []string{"SkylakeX", "Cooperlake", "SapphireRapids"}
	avx2Cores   = []string{"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"}
)

func init() {
	blas32.Use(netlib.Implementation{})
	blas64.Use(netlib.Implementation{})
	openblas.SetNumThreads(1)
	gemmTiling = openblasTiling

	core := openblas.CoreName()
	config := strings.Fields(openblas.Config())
	version := "OpenBLAS"
	if len(config) >= 2 {
		version = config[0] + " " + config[1]
	}
	env := os.Getenv("OPENBLAS_CORETYPE")
	backendName = fmt.Sprintf("%s, kernel %s", version, core)
	if os.Getenv("RNNBENCH_OPENBLAS_REEXEC") == "1" {
		backendName += " (OPENBLAS_CORETYPE set by rnnbench's re-exec)"
	} else if env != "" {
		backendName += fmt.Sprintf(" (OPENBLAS_CORETYPE=%s from the environment)", env)
	}
	want := betterCore(core, cpuFlags())
	if want == "" {
		return
	}
	fix := fmt.Sprintf("run with OPENBLAS_CORETYPE=%s in the environment", want)
	if os.Getenv("RNNBENCH_OPENBLAS_REEXEC") == "" {
		err := syscall.Exec("/proc/self/exe", os.Args, withCoreType(os.Environ(), want)) // returns only on failure
		fix = fmt.Sprintf("re-exec failed (%v): %s", err, fix)
	}
	backendName += fmt.Sprintf(" SLOW: this CPU runs the faster %s kernels; %s", want, fix)
	fmt.Fprintf(os.Stderr, "tensor: OpenBLAS uses its slower %s kernels: %s\n", core, fix)
}

// withCoreType returns env with OPENBLAS_CORETYPE=core (replacing any
// earlier value: C's getenv would find the first) and the re-exec guard.
func withCoreType(env []string, core string) []string {
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "OPENBLAS_CORETYPE=") && !strings.HasPrefix(kv, "RNNBENCH_OPENBLAS_REEXEC=") {
			out = append(out, kv)
		}
	}
	return append(out, "OPENBLAS_CORETYPE="+core, "RNNBENCH_OPENBLAS_REEXEC=1")
}

// betterCore returns the OpenBLAS core type to ask for when core is slower
// than what a CPU with the given /proc/cpuinfo flags runs, or "".
func betterCore(core string, flags []string) string {
	has := func(f ...string) bool {
		for _, x := range f {
			if !slices.Contains(flags, x) {
				return false
			}
		}
		return true
	}
	switch {
	case has("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"):
		if !slices.Contains(avx512Cores, core) {
			return "SkylakeX"
		}
	case has("avx2", "fma"):
		if !slices.Contains(avx2Cores, core) {
			return "Haswell"
		}
	}
	return ""
}

// cpuFlags returns the flags of the first processor in /proc/cpuinfo
// (none when it cannot be read).
func cpuFlags() []string {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			return strings.Fields(v)
		}
	}
	return nil
}
