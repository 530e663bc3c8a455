package nn

import (
	"math/rand/v2"

	"rnnbench/internal/tensor"
)

// MLP is the transformer feed-forward block y = Down(gelu(Up(x))), with
// Up: D→Hidden and Down: Hidden→D, both with bias, and the tanh-approximate
// GELU of GPT-2 (Radford et al. 2019; nanoGPT model.py MLP).
type MLP[F tensor.Float] struct {
	D, Hidden int
	Up, Down  *Linear[F]
	H         []F // [M, Hidden] pre-activation Up(x), Activation
	G         []F // [M, Hidden] gelu(H), Activation
	dG        []F // [M, Hidden] gradient workspace, Scratch
}

// NewMLP registers name+".up" (D→hidden) and name+".down" (hidden→D) in ps.
func NewMLP[F tensor.Float](ps *tensor.ParamSet[F], name string, D, hidden int) *MLP[F] {
	return &MLP[F]{
		D: D, Hidden: hidden,
		Up:   NewLinear(ps, name+".up", D, hidden, true),
		Down: NewLinear(ps, name+".down", hidden, D, true),
	}
}

// Init initialises both Linears with PyTorch's default U(−1/√In, 1/√In).
func (m *MLP[F]) Init(rng *rand.Rand) {
	m.Up.Init(rng)
	m.Down.Init(rng)
}

// Alloc makes H and G (Activation) and the gradient workspace (Scratch),
// each [M, Hidden], for up to M rows.
func (m *MLP[F]) Alloc(a *tensor.Arena[F], M int) {
	m.H = a.Make(tensor.Activation, M*m.Hidden)
	m.G = a.Make(tensor.Activation, M*m.Hidden)
	m.dG = a.Make(tensor.Scratch, M*m.Hidden)
}

// Forward overwrites y with the MLP of x and keeps H and G for Backward.
// x, y: [M, D]. It panics if M exceeds the rows given to Alloc or on a
// shape mismatch.
func (m *MLP[F]) Forward(y, x []F, M int) {
	n := M * m.Hidden
	if n > len(m.H) {
		panic("nn: MLP.Forward M exceeds Alloc")
	}
	m.Up.Forward(m.H[:n], x, M)
	GELUForward(m.G[:n], m.H[:n])
	m.Down.Forward(y, m.G[:n], M)
}

// Backward accumulates dx (may be nil) and the gradients of Up and Down,
// given the x of the preceding Forward. x, dx, dy: [M, D]. It panics like
// Forward.
func (m *MLP[F]) Backward(dx, dy, x []F, M int) {
	n := M * m.Hidden
	if n > len(m.H) {
		panic("nn: MLP.Backward M exceeds Alloc")
	}
	dG := m.dG[:n]
	clear(dG)
	m.Down.Backward(dG, dy, m.G[:n], M) // dG = dy·W_down
	geluBackwardInPlace(dG, m.H[:n])    // dH = dG ⊙ gelu'(H)
	m.Up.Backward(dx, dG, x, M)
}

// FLOPs returns the matmul FLOPs of a forward over M rows,
// 2·M·D·Hidden for each Linear (GELU and bias adds not counted);
// backward costs twice that.
func (m *MLP[F]) FLOPs(M int) int64 { return m.Up.FLOPs(M) + m.Down.FLOPs(M) }
