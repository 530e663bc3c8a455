package models

// EstimateMemory is the tests' oracle of FitMemory (the one estimator):
// the analytic training memory of c at batch B and length T, component by
// component, without allocating it: every buffer's size is a polynomial of
// degree ≤ 2 in T (attention keeps [B, H, T, T]; everything else is linear),
// so the model is built and allocated at T = 1, 2, 3 and the counts are
// extrapolated exactly (Lagrange interpolation through three points).
func EstimateMemory(c Config, B, T int) (Memory, error) {
	var at [3]Memory
	for i := range at {
		m, err := New[float32](c, 1)
		if err != nil {
			return Memory{}, err
		}
		m.Alloc(B, i+1)
		at[i] = m.Memory()
	}
	ext := func(f func(Memory) int64) int64 {
		y1, y2, y3 := f(at[0]), f(at[1]), f(at[2])
		t := int64(T)
		// Lagrange through (1, y1), (2, y2), (3, y3); every term is an integer.
		return (y1*(t-2)*(t-3) - 2*y2*(t-1)*(t-3) + y3*(t-1)*(t-2)) / 2
	}
	return Memory{
		Params: at[0].Params, Grads: at[0].Grads, Optimizer: at[0].Optimizer,
		Activations: ext(func(m Memory) int64 { return m.Activations }),
		Scratch:     ext(func(m Memory) int64 { return m.Scratch }),
	}, nil
}
