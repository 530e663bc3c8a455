package models

import (
	"fmt"
	"slices"
	"strings"
)

// SetParams overwrites every parameter of m with the values of the same
// name (flat, row-major, as PyTorch's tensor.reshape(-1) lays them out),
// converting to F. It returns an error, leaving m unchanged, when a
// parameter is missing, has the wrong number of values, or values names a
// parameter m does not have. PyTorch fixtures load through it.
func (m *Model[F]) SetParams(values map[string][]float64) error {
	for _, p := range m.PS.Params {
		v, ok := values[p.Name]
		if !ok {
			return fmt.Errorf("models: no values for parameter %q", p.Name)
		}
		if len(v) != p.Size() {
			return fmt.Errorf("models: parameter %q has shape %v (%d values), got %d values", p.Name, p.Shape, p.Size(), len(v))
		}
	}
	if len(values) != len(m.PS.Params) {
		var extra []string
		for name := range values {
			if _, err := m.PS.Get(name); err != nil {
				extra = append(extra, name)
			}
		}
		slices.Sort(extra)
		return fmt.Errorf("models: values for parameters the model lacks: %s", strings.Join(extra, ", "))
	}
	for _, p := range m.PS.Params {
		for i, x := range values[p.Name] {
			p.Data[i] = F(x)
		}
	}
	return nil
}

// Params returns every parameter's values by name, in float64 (the
// inverse of SetParams).
func (m *Model[F]) Params() map[string][]float64 {
	out := make(map[string][]float64, len(m.PS.Params))
	for _, p := range m.PS.Params {
		v := make([]float64, p.Size())
		for i, x := range p.Data {
			v[i] = float64(x)
		}
		out[p.Name] = v
	}
	return out
}
