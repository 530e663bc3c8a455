package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Param is one named parameter tensor. Data and Grad are views into the
// owning ParamSet's slabs and are valid only after ParamSet.Finalize.
type Param[F Float] struct {
	Name  string
	Shape []int
	Decay bool // whether AdamW applies weight decay (matrices yes, biases and norms no)
	Embed bool // counted as embedding parameters (token embedding)
	Data  []F
	Grad  []F
	off   int
	size  int
}

// Size returns the number of elements.
func (p *Param[F]) Size() int { return p.size }

// ParamSet holds every parameter of a model in one slab, and every gradient
// in another, so that zeroing, clipping, the optimiser and checkpoints work
// on flat arrays.
type ParamSet[F Float] struct {
	Params []*Param[F]
	Data   []F // all parameters, concatenated in registration order
	Grad   []F // their gradients, same layout
	n      int
	done   bool
}

// New registers a parameter of the given shape; its Data and Grad become
// valid after Finalize. It panics if called after Finalize.
func (s *ParamSet[F]) New(name string, decay bool, shape ...int) *Param[F] {
	if s.done {
		panic("tensor: ParamSet.New after Finalize")
	}
	size := 1
	for _, d := range shape {
		size *= d
	}
	p := &Param[F]{Name: name, Shape: shape, Decay: decay, off: s.n, size: size}
	s.n += size
	s.Params = append(s.Params, p)
	return p
}

// Finalize allocates the slabs and points each Param at its slice.
func (s *ParamSet[F]) Finalize() {
	if s.done {
		return
	}
	s.done = true
	s.Data = make([]F, s.n)
	s.Grad = make([]F, s.n)
	for _, p := range s.Params {
		p.Data = s.Data[p.off : p.off+p.size]
		p.Grad = s.Grad[p.off : p.off+p.size]
	}
}

// Count returns the total number of parameters.
func (s *ParamSet[F]) Count() int { return s.n }

// CountNonEmbedding returns the number of parameters not marked Embed.
func (s *ParamSet[F]) CountNonEmbedding() int {
	n := 0
	for _, p := range s.Params {
		if !p.Embed {
			n += p.size
		}
	}
	return n
}

// ZeroGrad sets every gradient to 0.
func (s *ParamSet[F]) ZeroGrad() { clear(s.Grad) }

// Get returns the parameter with the given name, or an error.
func (s *ParamSet[F]) Get(name string) (*Param[F], error) {
	for _, p := range s.Params {
		if p.Name == name {
			return p, nil
		}
	}
	return nil, fmt.Errorf("tensor: no parameter %q", name)
}

// Uniform fills x with values drawn uniformly from [-bound, bound).
func Uniform[F Float](rng *rand.Rand, x []F, bound float64) {
	for i := range x {
		x[i] = F((2*rng.Float64() - 1) * bound)
	}
}

// Normal fills x with values drawn from N(0, std²).
func Normal[F Float](rng *rand.Rand, x []F, std float64) {
	for i := range x {
		x[i] = F(rng.NormFloat64() * std)
	}
}

// Fill sets every element of x to v.
func Fill[F Float](x []F, v float64) {
	for i := range x {
		x[i] = F(v)
	}
}

// KaimingBound is PyTorch's default nn.Linear bound 1/sqrt(fanIn).
func KaimingBound(fanIn int) float64 { return 1 / math.Sqrt(float64(fanIn)) }
