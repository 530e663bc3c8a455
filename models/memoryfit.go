package models

import (
	"errors"
	"fmt"
)

// ErrTooBig is matched (errors.Is) by the *TooBigError FitMemory returns
// when a config cannot fit the memory limit whatever the sequence length.
var ErrTooBig = errors.New("models: model too big for the memory limit")

// TooBigError is FitMemory's refusal: a lower bound of the training memory,
// counted from the shapes before anything is built, exceeds the limit.
type TooBigError struct {
	AtLeast float64 // bytes
	What    string  // what the bound counts
}

func (e *TooBigError) Error() string {
	return fmt.Sprintf("%s take at least %.4g bytes", e.What, e.AtLeast)
}

// Is makes errors.Is(err, ErrTooBig) true.
func (e *TooBigError) Is(target error) bool { return target == ErrTooBig }

// MemoryFit is the analytic training memory of one model config at one
// batch size B as a function of the sequence length T, in float64 bytes so
// that absurd sizes cannot overflow. Every buffer has a size of degree ≤ 2
// in T (attention keeps [B, H, T, T]), so the memory is a quadratic fitted
// exactly through T = 1, 2, 3, as the tests' oracle EstimateMemory (estimate_test.go) does. In B, sizes
// are linear except for workspaces capped at a few sequences (attention's
// min(B·H, slots)·T² scratch), so they are linear for B ≥ fitBatch: the
// model is built at B itself up to fitBatch, and beyond at fitBatch − 1
// and fitBatch and extrapolated, so that checking an absurd batch
// allocates no more than checking a batch of fitBatch. Either way it
// equals the oracle EstimateMemory(c, B, T).Total() exactly below 2⁵³ bytes
// (tested up to B = 1000).
type MemoryFit struct {
	Config Config
	B      int
	Fixed  float64    // parameters, gradients and AdamW moments
	coef   [3]float64 // activations + scratch = coef[0] + coef[1]·T + coef[2]·T²
	state1 float64    // inference state of one sequence after one token
	stateT float64    // state bytes added by each further token (a KV cache)
}

// fitBatch is the largest batch FitMemory builds a model at.
const fitBatch = 64

// ParamsLowerBound returns a lower bound of c's parameter count from its
// shapes alone, in float64 so that it cannot overflow: the embedding and
// head (2·V·D), each mixer's weight matrices (its Spec's Weights)
// and each MLP (2·MLP·D²), leaving out biases, norms and small projections.
func ParamsLowerBound(c Config) float64 {
	V, L, D := float64(c.V), float64(c.L), float64(c.D)
	var mixer float64
	if s, ok := SpecOf(c.Mixer); ok {
		mixer = s.Weights(c)
	}
	return 2*V*D + L*(mixer+2*float64(c.MLP)*D*D)
}

// bytesPerParam counts a parameter, its gradient and AdamW's two moments.
const bytesPerParam = 4 * 4

// FitMemory returns the memory of c at batch B as a function of T. It
// builds c three times, at T = 1, 2, 3 and batch min(B, fitBatch) (six
// times when B > fitBatch). Before building anything it bounds the bytes of
// the parameters, gradients and moments: if ParamsLowerBound, or then the
// exact count, exceeds limit bytes, it returns a *TooBigError (matching
// ErrTooBig) having allocated nothing. Pass math.Inf(1) for no limit. It
// returns c.Validate's error for an invalid config and an error for B < 1.
func FitMemory(c Config, B int, limit float64) (*MemoryFit, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if B < 1 {
		return nil, fmt.Errorf("batch %d: want ≥ 1", B)
	}
	const params = "its parameters, gradients and AdamW moments"
	if lb := bytesPerParam * ParamsLowerBound(c); lb > limit {
		return nil, &TooBigError{AtLeast: lb, What: params}
	}
	// Now 16·ParamsLowerBound ≤ limit bounds every weight matrix, so the
	// exact count cannot overflow an int.
	nonEmb, err := CountParams(c)
	if err != nil {
		return nil, err
	}
	if fixed := bytesPerParam * (float64(nonEmb) + 2*float64(c.V)*float64(c.D)); fixed > limit {
		return nil, &TooBigError{AtLeast: fixed, What: params}
	}
	f := &MemoryFit{Config: c, B: B}
	if B <= fitBatch {
		if f.coef, err = f.fitT(B); err != nil {
			return nil, err
		}
		return f, nil
	}
	lo, err := f.fitT(fitBatch - 1)
	if err != nil {
		return nil, err
	}
	hi, err := f.fitT(fitBatch)
	if err != nil {
		return nil, err
	}
	for k := range f.coef {
		f.coef[k] = hi[k] + float64(B-fitBatch)*(hi[k]-lo[k])
	}
	return f, nil
}

// fitT builds the model at batch B and T = 1, 2, 3 and returns the
// monomial coefficients (integers) of its activation and scratch bytes as a
// quadratic in T; it also fills Fixed and the inference state.
func (f *MemoryFit) fitT(B int) ([3]float64, error) {
	var y [3]float64
	for j := range y {
		m, err := New[float32](f.Config, 1)
		if err != nil {
			return y, err
		}
		m.Alloc(B, j+1)
		mem := m.Memory()
		f.Fixed = float64(mem.Params + mem.Grads + mem.Optimizer)
		y[j] = float64(mem.Activations + mem.Scratch)
		if j == 0 {
			st := m.NewState(1, 2)
			m.Step(st, []int32{0})
			f.state1 = float64(st.Bytes())
			m.Step(st, []int32{0})
			f.stateT = float64(st.Bytes()) - f.state1
		}
	}
	a2 := (y[0] - 2*y[1] + y[2]) / 2
	a1 := y[1] - y[0] - 3*a2
	return [3]float64{y[0] - a1 - a2, a1, a2}, nil
}

// Training returns the analytic training memory at length T: what
// the oracle EstimateMemory(c, B, T).Total() gives, in float64 (exact below
// 2⁵³ bytes).
func (f *MemoryFit) Training(T int) float64 {
	t := float64(T)
	return f.Fixed + f.coef[0] + f.coef[1]*t + f.coef[2]*t*t
}

// Point returns the analytic peak of a sweep point at length T: the
// training memory plus the inference state of one sequence after T tokens
// (which grows at most linearly in T, a KV cache).
func (f *MemoryFit) Point(T int) float64 {
	return f.Training(T) + f.state1 + f.stateT*float64(T-1)
}
