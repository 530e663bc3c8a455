//go:build openblas

// Package openblas is the cgo side of tensor's OpenBLAS backend (build tag
// openblas; link with -lopenblas): the library's own functions that
// gonum.org/v1/netlib does not wrap. It is a separate package because Go
// does not allow cgo and Go assembly (tensor's vector kernels) in one
// package.
package openblas

/*
#cgo LDFLAGS: -lopenblas
char* openblas_get_corename(void);
char* openblas_get_config(void);
void openblas_set_num_threads(int);
*/
import "C"

// CoreName returns the name of the kernels OpenBLAS chose when it loaded
// (openblas_get_corename), e.g. "SkylakeX" or "Haswell".
func CoreName() string { return C.GoString(C.openblas_get_corename()) }

// Config returns the library's build description (openblas_get_config),
// e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64".
func Config() string { return C.GoString(C.openblas_get_config()) }

// SetNumThreads sets the number of threads OpenBLAS uses for one call.
func SetNumThreads(n int) { C.openblas_set_num_threads(C.int(n)) }
