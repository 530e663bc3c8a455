package tensor

// backendName names the registered blas32 implementation; the openblas
// build tag replaces it (see backend_openblas.go).
var backendName = "gonum (pure Go)"

// Backend returns the name of the matmul backend in use, for report headers.
func Backend() string { return backendName }
