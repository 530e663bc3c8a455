//go:build openblas

package tensor

import (
	"slices"
	"strings"
	"testing"
)

func TestBetterCore(t *testing.T) {
	avx512 := []string{"fma", "avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"}
	avx2 := []string{"fma", "avx2"}
	for _, c := range []struct {
		core  string
		flags []string
		want  string
	}{
		{"Haswell", avx512, "SkylakeX"}, // this machine's environment: AVX2 kernels on an AVX-512 CPU
		{"Prescott", avx512, "SkylakeX"},
		{"SkylakeX", avx512, ""},
		{"Cooperlake", avx512, ""},
		{"Prescott", avx2, "Haswell"},
		{"Zen", avx2, ""},
		{"Haswell", avx2, ""},
		{"Prescott", []string{"sse3"}, ""}, // nothing better to ask for
		{"Prescott", nil, ""},              // flags unknown
	} {
		if got := betterCore(c.core, c.flags); got != c.want {
			t.Errorf("betterCore(%q, %v) = %q, want %q", c.core, c.flags, got, c.want)
		}
	}
}

func TestWithCoreType(t *testing.T) {
	env := []string{"A=1", "OPENBLAS_CORETYPE=Haswell", "B=2", "RNNBENCH_OPENBLAS_REEXEC=0", "OPENBLAS_CORETYPE=Prescott"}
	got := withCoreType(env, "SkylakeX")
	want := []string{"A=1", "B=2", "OPENBLAS_CORETYPE=SkylakeX", "RNNBENCH_OPENBLAS_REEXEC=1"}
	if !slices.Equal(got, want) {
		t.Fatalf("withCoreType = %q, want %q", got, want)
	}
}

// The backend names OpenBLAS and its kernel, and this process runs the
// best kernel for its CPU (the re-exec fixed it if needed) unless the
// re-exec was turned off.
func TestOpenBLASBackendName(t *testing.T) {
	name := Backend()
	if !strings.HasPrefix(name, "OpenBLAS ") || !strings.Contains(name, ", kernel ") {
		t.Fatalf("Backend() = %q, want OpenBLAS <version>, kernel <name>", name)
	}
	if strings.Contains(name, "SLOW") && !strings.Contains(name, "run with OPENBLAS_CORETYPE=") {
		t.Fatalf("Backend() = %q: slow kernels without the fix", name)
	}
	t.Log(name)
}
