package modeltest

import (
	"encoding/json"
	"os"
	"sort"
	"testing"

	"rnnbench/models"
)

// Fixture is a PyTorch reference for one mixer, written by the scripts in
// scripts/torch (in float64): parameters, an input, the output, an
// upstream gradient and the resulting gradients.
type Fixture struct {
	Config models.Config        `json:"config"`
	B      int                  `json:"B"`
	T      int                  `json:"T"`
	Params map[string][]float64 `json:"params"` // name → flat row-major values
	X      []float64            `json:"x"`      // x: [B, T, D]
	Y      []float64            `json:"y"`      // y: [B, T, D]
	DY     []float64            `json:"dy"`     // dy: [B, T, D]
	DX     []float64            `json:"dx"`     // dx: [B, T, D], gradient of Σ y⊙dy
	Grads  map[string][]float64 `json:"grads"`  // name → gradient of Σ y⊙dy
}

// TorchTol is the relative error allowed against the PyTorch fixtures.
const TorchTol = 1e-4

// CheckTorchFixture loads the fixture at path, builds its mixer in float64
// (for every training mode of the mixer), loads the parameters by name and
// requires y, dx and every parameter gradient within TorchTol relative
// error. The fixture must name every parameter the Go mixer registers, and
// no other.
func CheckTorchFixture(t *testing.T, path string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading fixture: %v (regenerate with scripts/torch, see README)", err)
	}
	var f Fixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, mode := range modes(f.Config) {
		c := f.Config
		c.Mode = mode
		t.Run("mode="+mode, func(t *testing.T) { checkFixture(t, &f, c) })
	}
}

func checkFixture(t *testing.T, f *Fixture, c models.Config) {
	b := build[float64](t, c, 1, f.B, f.T)
	var names []string
	for _, p := range b.ps.Params {
		v, ok := f.Params[p.Name]
		if !ok {
			t.Fatalf("fixture has no parameter %q", p.Name)
		}
		if len(v) != p.Size() {
			t.Fatalf("parameter %q: fixture has %d values, Go shape %v has %d", p.Name, len(v), p.Shape, p.Size())
		}
		copy(p.Data, v)
		names = append(names, p.Name)
	}
	if len(f.Params) != len(names) {
		var extra []string
		for k := range f.Params {
			if _, err := b.ps.Get(k); err != nil {
				extra = append(extra, k)
			}
		}
		sort.Strings(extra)
		t.Fatalf("fixture has parameters the Go mixer lacks: %v", extra)
	}
	y, dx, g := b.grads(f.X, f.DY)
	if err := closeTo("y", y, f.Y, TorchTol); err != nil {
		t.Error(err)
	}
	if err := closeTo("dx", dx, f.DX, TorchTol); err != nil {
		t.Error(err)
	}
	off := 0
	for _, p := range b.ps.Params {
		if err := closeTo("grad "+p.Name, g[off:off+p.Size()], f.Grads[p.Name], TorchTol); err != nil {
			t.Error(err)
		}
		off += p.Size()
	}
}
