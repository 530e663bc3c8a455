package models

import "rnnbench/internal/tensor"

// Memory is the analytic memory of a training step, counted from the
// shapes of the buffers actually allocated, in bytes.
type Memory struct {
	Params      int64 `json:"params_B"`      // parameters
	Grads       int64 `json:"grads_B"`       // parameter gradients
	Optimizer   int64 `json:"optimizer_B"`   // AdamW moments (2 per parameter)
	Activations int64 `json:"activations_B"` // kept from forward for backward
	Scratch     int64 `json:"scratch_B"`     // workspace and activation gradients
}

// Total returns the sum of every part.
func (m Memory) Total() int64 {
	return m.Params + m.Grads + m.Optimizer + m.Activations + m.Scratch
}

// Memory returns the analytic training memory after Alloc (with AdamW's
// two moments per parameter).
func (m *Model[F]) Memory() Memory {
	p := int64(m.PS.Count()) * tensor.SizeOf[F]()
	return Memory{
		Params: p, Grads: p, Optimizer: 2 * p,
		Activations: m.acts.Bytes(tensor.Activation),
		Scratch:     m.acts.Bytes(tensor.Scratch),
	}
}

// FLOPs returns the forward FLOPs per token at sequence length T: every
// mixer's FLOPs(T), the MLPs' 2·2·D·(MLP·D) and the head's 2·D·V; norms,
// residual adds and the embedding lookup are not counted. A training step
// costs about 3× the forward (backward ≈ 2× forward) per token.
func (m *Model[F]) FLOPs(T int) int64 {
	c := m.Cfg
	var f int64
	for _, blk := range m.Blocks {
		f += blk.Mixer.FLOPs(T)
		if blk.Conv != nil {
			f += blk.Conv.FLOPs()
		}
		if blk.MLP != nil {
			f += 4 * int64(c.D) * int64(c.MLP*c.D)
		}
	}
	return f + 2*int64(c.D)*int64(c.V)
}

// CountParams returns the non-embedding parameter count of a config
// without allocating its parameters.
func CountParams(c Config) (int, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	ps := &tensor.ParamSet[float32]{}
	n0 := 0
	for l := 0; l < c.L; l++ {
		if _, err := NewMixer(ps, "m", c); err != nil {
			return 0, err
		}
	}
	n0 = ps.Count()
	// Norms (D each) and MLPs: 2 norms + up/down with biases per block, plus the final norm.
	perBlock := c.D
	if c.MLP > 0 {
		h := c.MLP * c.D
		perBlock += c.D + c.D*h + h + h*c.D + c.D
	}
	if k := c.ConvKernel; k > 0 {
		perBlock += c.D*k + c.D + c.D*c.D + c.D // Variants.ConvKernel: depthwise + pointwise, with biases
	}
	return n0 + c.L*perBlock + c.D, nil
}
