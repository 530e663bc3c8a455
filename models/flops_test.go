package models_test

import (
	"testing"

	"rnnbench/models"
)

// handGRU is a 1-layer GRU model small enough to count by hand:
// V = 3, D = 2, E = 2 (so no output projection), no MLP, no dropout.
func handGRU() models.Config {
	return models.Config{Mixer: "gru", V: 3, L: 1, D: 2, Expansion: 1, H: 1, N: 1}
}

// The analytic sizes of handGRU, counted by hand from the buffers each
// layer allocates:
//
//	parameters: embed V·D = 6, norm1 D = 2, GRU W_ih 3E·D = 12, W_hh 3E·E = 12,
//	            b_ih 3E = 6, b_hh 3E = 6, norm_f D = 2, head V·D = 6  → 52
//	activations per token (M = B·T rows): residual streams 2·D = 4, norm1 rstd 1,
//	            norm1 output D = 2, GRU gates 3E = 6, n 2, h 2, norm_f rstd 1,
//	            final norm output D = 2, logits V = 3  → 23 floats
//	scratch: per token GRU dpre 3E = 6, dlogits V = 3, row loss 1, branch 2,
//	            dres 2, dnorm 2 → 16 floats; per sequence GRU gh 6, dgh 6, dh 2 → 14
//	forward FLOPs per token: GRU 2·D·3E + 2·E·3E + 6E + 11E = 24 + 24 + 12 + 22 = 82,
//	            head 2·D·V = 12  → 94
func TestHandCountedGRU(t *testing.T) {
	const B, T = 1, 2
	c := handGRU()
	m, err := models.New[float32](c, 1)
	if err != nil {
		t.Fatal(err)
	}
	m.Alloc(B, T)
	want := models.Memory{
		Params: 52 * 4, Grads: 52 * 4, Optimizer: 2 * 52 * 4,
		Activations: 23 * B * T * 4,
		Scratch:     (16*B*T + 14*B) * 4,
	}
	if got := m.Memory(); got != want {
		t.Errorf("Memory() = %+v, want %+v", got, want)
	}
	if got := m.Memory().Total(); got != 208+208+416+184+184 {
		t.Errorf("Memory().Total() = %d, want 1200", got)
	}
	if got := m.FLOPs(T); got != 94 {
		t.Errorf("FLOPs(%d) = %d, want 94", T, got)
	}
	// Non-embedding: norm1 2 + GRU 36 + norm_f 2 (embedding and head excluded).
	if n, err := models.CountParams(c); err != nil || n != 40 {
		t.Errorf("CountParams = %d, %v; want 40", n, err)
	}
	if n := m.PS.CountNonEmbedding(); n != 40 {
		t.Errorf("CountNonEmbedding = %d, want 40", n)
	}
	st := m.NewState(1, T)
	m.Step(st, []int32{1})
	if got := st.Bytes(); got != 2*4 {
		t.Errorf("GRU state after one token = %d bytes, want E·4 = 8", got)
	}
}

// EstimateMemory extrapolates the hand-counted formulas to lengths and
// batches it never allocated.
func TestHandCountedGRUEstimate(t *testing.T) {
	for _, bt := range [][2]int{{1, 7}, {3, 5}, {2, 100}} {
		B, T := bt[0], bt[1]
		got, err := models.EstimateMemory(handGRU(), B, T)
		if err != nil {
			t.Fatal(err)
		}
		want := models.Memory{Params: 208, Grads: 208, Optimizer: 416,
			Activations: int64(23*B*T) * 4, Scratch: int64(16*B*T+14*B) * 4}
		if got != want {
			t.Errorf("B=%d T=%d: EstimateMemory = %+v, want %+v", B, T, got, want)
		}
	}
}

// A transformer's forward FLOPs per token grow linearly in T (so a step's
// grow quadratically): 8·D² + 2·D·(T+1) for attention plus 2·D·V for the
// head. With D = 4, V = 3: 128 + 8·(T+1) + 24.
func TestHandCountedTransformerFLOPs(t *testing.T) {
	c := models.Config{Mixer: "transformer", V: 3, L: 1, D: 4, Expansion: 1, H: 2, N: 1}
	m, err := models.New[float32](c, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, T := range []int{1, 8, 1000} {
		if got, want := m.FLOPs(T), int64(128+8*(T+1)+24); got != want {
			t.Errorf("FLOPs(%d) = %d, want %d", T, got, want)
		}
	}
	// KV cache: 2 (K and V) · D floats per token of context.
	st := m.NewState(1, 5)
	for i := 0; i < 5; i++ {
		m.Step(st, []int32{0})
	}
	if got := st.Bytes(); got != 2*5*4*4 {
		t.Errorf("KV cache after 5 tokens = %d bytes, want 2·5·D·4 = 160", got)
	}
}
