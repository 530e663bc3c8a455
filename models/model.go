package models

import (
	"fmt"
	"math/rand/v2"

	"rnnbench/internal/nn"
	"rnnbench/internal/tensor"
)

// Model is the shared language-model backbone:
//
//	tokens: [B, T] → Embedding → L × Block → RMSNorm → Linear head → logits: [B, T, V]
//
// where each Block is x += Dropout(Mixer(RMSNorm(x))) and, when Config.MLP
// > 0, x += Dropout(MLP(RMSNorm(x))) (pre-norm residual blocks, as in the
// official minRNN code and nanoGPT). Only the mixer differs between models.
type Model[F tensor.Float] struct {
	Cfg    Config
	PS     *tensor.ParamSet[F]
	Emb    *nn.Embedding[F] // weight: [V, D]
	Blocks []*Block[F]
	NormF  *nn.RMSNorm[F]
	Head   *nn.Linear[F] // weight: [V, D], no bias

	B, T   int // sizes given to Alloc
	acts   tensor.Arena[F]
	resid  [][]F // L+1 residual streams, each [B, T, D]
	fin    []F   // final norm output: [B, T, D]
	logits []F   // [B, T, V]
	dlog   []F   // dlogits: [B, T, V]
	rowL   []F   // per-row loss: [B·T]
	tmp    []F   // branch output / its gradient: [B, T, D]
	dres   []F   // gradient of the residual stream: [B, T, D]
	dn     []F   // gradient of a norm output: [B, T, D]
	tokens []int32
	rng    *rand.Rand // dropout masks
	par    resid[F]   // residual adds, copies and clears on the pool (resid.go)
}

// Block is one pre-norm residual block.
type Block[F tensor.Float] struct {
	Conv  *blockConv[F] // nil unless Variants.ConvKernel > 0 (x += Conv(x) first)
	Norm1 *nn.RMSNorm[F]
	Mixer Mixer[F]
	Norm2 *nn.RMSNorm[F] // nil without MLP
	MLP   *nn.MLP[F]     // nil without MLP
	n1    []F            // Norm1 output: [B, T, D]
	mid   []F            // stream after the mixer: [B, T, D] (MLP only)
	n2    []F            // Norm2 output: [B, T, D] (MLP only)
	drop1 nn.Dropout[F]
	drop2 nn.Dropout[F]
}

// New builds a model from a valid Config, with parameters drawn from seed.
func New[F tensor.Float](c Config, seed uint64) (*Model[F], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	ps := &tensor.ParamSet[F]{}
	m := &Model[F]{Cfg: c, PS: ps}
	m.Emb = nn.NewEmbedding(ps, "embed", c.V, c.D)
	for l := 0; l < c.L; l++ {
		pre := fmt.Sprintf("blocks.%d", l)
		blk := &Block[F]{}
		if c.ConvKernel > 0 {
			blk.Conv = newBlockConv(ps, pre+".conv", c.D, c.ConvKernel)
		}
		blk.Norm1 = nn.NewRMSNorm(ps, pre+".norm1", c.D)
		blk.Norm1.Offset = c.NormOffset // Variants.NormOffset: scale γ + 1
		mx, err := NewMixer(ps, pre+".mixer", c)
		if err != nil {
			return nil, err
		}
		blk.Mixer = mx
		if c.MLP > 0 {
			blk.Norm2 = nn.NewRMSNorm(ps, pre+".norm2", c.D)
			blk.Norm2.Offset = c.NormOffset
			blk.MLP = nn.NewMLP(ps, pre+".mlp", c.D, c.MLP*c.D)
		}
		blk.drop1.P, blk.drop2.P = c.Dropout, c.Dropout
		m.Blocks = append(m.Blocks, blk)
	}
	m.NormF = nn.NewRMSNorm(ps, "norm_f", c.D)
	m.NormF.Offset = c.NormOffset
	m.Head = nn.NewLinear(ps, "head", c.D, c.V, false)
	m.Head.W.Embed = true // the head is counted with the embedding: identical across mixers
	ps.Finalize()
	applyDecayGroups(m)

	rng := rand.New(rand.NewPCG(seed, 0x726e6e62))
	m.Emb.Init(rng)
	for _, blk := range m.Blocks {
		if blk.Conv != nil {
			blk.Conv.Init(rng)
		}
		blk.Norm1.Init()
		blk.Mixer.Init(rng)
		if blk.MLP != nil {
			blk.Norm2.Init()
			blk.MLP.Init(rng)
		}
	}
	m.NormF.Init()
	m.Head.Init(rng)
	m.rng = rand.New(rand.NewPCG(seed, 0x64726f70))
	return m, nil
}

// Alloc makes every buffer a training step over [B, T] needs. It may be
// called once; later calls with other sizes panic.
func (m *Model[F]) Alloc(B, T int) {
	if m.B != 0 {
		if B != m.B || T != m.T {
			panic("models: Alloc called twice with different sizes")
		}
		return
	}
	m.B, m.T = B, T
	c, a, M := m.Cfg, &m.acts, B*T
	for l := 0; l <= c.L; l++ {
		m.resid = append(m.resid, a.Make(tensor.Activation, M*c.D))
	}
	for _, blk := range m.Blocks {
		if blk.Conv != nil {
			blk.Conv.Alloc(a, M)
		}
		blk.Norm1.Alloc(a, M)
		blk.n1 = a.Make(tensor.Activation, M*c.D)
		blk.Mixer.Alloc(a, B, T)
		if blk.MLP != nil {
			blk.mid = a.Make(tensor.Activation, M*c.D)
			blk.Norm2.Alloc(a, M)
			blk.n2 = a.Make(tensor.Activation, M*c.D)
			blk.MLP.Alloc(a, M)
		}
		if c.Dropout > 0 {
			blk.drop1.Alloc(a, M*c.D)
			blk.drop2.Alloc(a, M*c.D)
		}
	}
	m.NormF.Alloc(a, M)
	m.fin = a.Make(tensor.Activation, M*c.D)
	m.logits = a.Make(tensor.Activation, M*c.V)
	m.dlog = a.Make(tensor.Scratch, M*c.V)
	m.rowL = a.Make(tensor.Scratch, M)
	m.tmp = a.Make(tensor.Scratch, M*c.D)
	m.dres = a.Make(tensor.Scratch, M*c.D)
	m.dn = a.Make(tensor.Scratch, M*c.D)
	m.tokens = make([]int32, M)
	m.par.bind()
}

// Forward runs the model on tokens: [B, T] (B, T ≤ Alloc's) and returns
// logits: [B, T, V], valid until the next call. train enables dropout.
func (m *Model[F]) Forward(tokens []int32, B, T int, train bool) []F {
	c, M := m.Cfg, B*T
	if len(tokens) != M {
		panic("models: Forward tokens length is not B·T")
	}
	copy(m.tokens, tokens)
	x := m.resid[0][:M*c.D]
	m.Emb.Forward(x, tokens)
	for l, blk := range m.Blocks {
		in, out := m.resid[l][:M*c.D], m.resid[l+1][:M*c.D]
		if blk.Conv != nil {
			in = blk.Conv.Forward(in, B, T)
		}
		blk.Norm1.Forward(blk.n1, in, M)
		y := m.mixerForward(blk, m.tmp[:M*c.D], blk.n1[:M*c.D], B, T)
		if train && c.Dropout > 0 {
			blk.drop1.Forward(y, m.rng)
		}
		mid := out
		if blk.MLP != nil {
			mid = blk.mid[:M*c.D]
		}
		m.par.add(mid, in, y)
		if blk.MLP != nil {
			blk.Norm2.Forward(blk.n2, mid, M)
			blk.MLP.Forward(y, blk.n2[:M*c.D], M)
			if train && c.Dropout > 0 {
				blk.drop2.Forward(y, m.rng)
			}
			m.par.add(out, mid, y)
		}
	}
	m.NormF.Forward(m.fin, m.resid[c.L][:M*c.D], M)
	logits := m.logits[:M*c.V]
	m.Head.Forward(logits, m.fin[:M*c.D], M)
	return logits
}

// Loss runs Forward and the softmax cross-entropy against targets: [B, T]
// (−1 = ignored). It returns the mean loss in nats over the counted
// positions, their count, and how many the argmax predicts. With train it
// also keeps the loss gradient for Backward.
func (m *Model[F]) Loss(tokens, targets []int32, B, T int, train bool) (loss float64, count, correct int) {
	logits := m.Forward(tokens, B, T, train)
	M := B * T
	var dlog []F
	if train {
		dlog = m.dlog[:M*m.Cfg.V]
	}
	return nn.SoftmaxCrossEntropy(dlog, logits, targets, m.rowL[:M], M, m.Cfg.V)
}

// Backward backpropagates the loss of the last Loss(train=true) call and
// accumulates every parameter gradient into PS.Grad (zero it first).
func (m *Model[F]) Backward(B, T int) {
	c, M := m.Cfg, B*T
	n := M * c.D
	dres, dn, dy := m.dres[:n], m.dn[:n], m.tmp[:n]
	m.Head.BackwardTo(dn, m.dlog[:M*c.V], m.fin[:n], M)
	m.NormF.BackwardTo(dres, dn, m.resid[c.L][:n], M)
	for l := c.L - 1; l >= 0; l-- {
		blk := m.Blocks[l]
		if blk.MLP != nil {
			// dres is d(out); out = mid + MLP(Norm2(mid)).
			dy := m.mixerGrad(dy, dres) // MLP.Backward too only reads dy
			if c.Dropout > 0 {
				blk.drop2.Backward(dy)
			}
			m.par.clear(dn)
			blk.MLP.Backward(dn, dy, blk.n2[:n], M)
			blk.Norm2.Backward(dres, dn, blk.mid[:n], M)
		}
		// dres is d(mid); mid = in + Mixer(Norm1(in)).
		dy := m.mixerGrad(dy, dres)
		if c.Dropout > 0 {
			blk.drop1.Backward(dy)
		}
		m.mixerBackward(blk.Mixer, dn, dy, blk.n1[:n], B, T)
		if blk.Conv != nil {
			blk.Norm1.Backward(dres, dn, blk.Conv.out[:n], M)
			blk.Conv.Backward(dres, m.resid[l][:n], B, T)
		} else {
			blk.Norm1.Backward(dres, dn, m.resid[l][:n], M)
		}
	}
	m.Emb.Backward(dres, m.tokens[:M])
}

// Logits returns the logits of the last Forward: [B, T, V].
func (m *Model[F]) Logits() []F { return m.logits }
