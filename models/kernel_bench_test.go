package models

import (
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
)

// Kernel benchmarks: each float32 elementwise pass and scan of the mixers
// on one core (GOMAXPROCS is the caller's: run with -cpu 1 for per-core
// figures), at the PyTorch comparison size B=16, T=1024, E=64 (2^20
// channel-steps), reporting ns per element. Run with
//
//	go test -run '^$' -bench Kernel -cpu 1 ./models
//
// README.md (Speed) tabulates them.

const kbB, kbT, kbE = 16, 1024, 64

// kbInputs returns n float32 values drawn from N(0, 1), seeded.
func kbInputs(n int, seed uint64) []float32 {
	x := make([]float32, n)
	tensor.Normal(rand.New(rand.NewPCG(seed, 1)), x, 1)
	return x
}

// kbMin builds a float32 minRNN (without parameters) holding random
// pre-activations k, gate tensors and gradients for B×T tokens, and
// returns the call (sizes, gradient of h) that the passes run with.
func kbMin(lstm bool) *minCall[float32] {
	M, E := kbB*kbT, kbE
	var cell minCell[float32] = mingruCell[float32]{E}
	if lstm {
		cell = minlstmCell[float32](E)
	}
	m := &minRNN[float32]{cell: cell, form: cell.logForm(), E: E, G: cell.gates()}
	kc := &minCall[float32]{m: m, B: kbB, T: kbT}
	m.k = kbInputs(M*m.G*E, 1)
	m.h, m.logh = make([]float32, M*E), make([]float32, M*E)
	m.ga, m.gb = make([]float32, M*E), make([]float32, M*E)
	m.dk = make([]float32, M*m.G*E)
	m.dga, m.dgb, kc.gradH = kbInputs(M*E, 2), kbInputs(M*E, 3), kbInputs(M*E, 4)
	m.cin, m.cprod = make([]float32, kbB*maxChunks*E), make([]float32, kbB*maxChunks*E)
	return kc
}

// kbRun times body, one pass over all B·T·E channel-steps per call.
func kbRun(b *testing.B, body func()) {
	body()
	b.ReportAllocs()
	for b.Loop() {
		body()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*kbB*kbT*kbE), "ns/elem")
}

func BenchmarkKernelMinGates(b *testing.B) {
	M := kbB * kbT
	for _, lstm := range []bool{false, true} {
		name := map[bool]string{false: "mingru", true: "minlstm"}[lstm]
		kc := kbMin(lstm)
		for _, form := range []string{"log", "linear"} {
			kc.m.form = map[string]gateForm[float32]{"log": kc.m.cell.logForm(), "linear": kc.m.cell.linForm()}[form]
			b.Run(name+"/"+form+"/forward", func(b *testing.B) { kbRun(b, func() { gateRows[float32](*kc).Run(0, M) }) })
			b.Run(name+"/"+form+"/backward", func(b *testing.B) { kbRun(b, func() { gateBackRows[float32](*kc).Run(0, M) }) })
		}
	}
}

func BenchmarkKernelScan(b *testing.B) {
	C := kbB * kbE
	kc := kbMin(false)
	gateRows[float32](*kc).Run(0, kbB*kbT) // realistic log a, log b
	b.Run("log/forward", func(b *testing.B) { kbRun(b, func() { logScanChannels[float32](*kc).Run(0, C) }) })
	b.Run("log/backward", func(b *testing.B) {
		logScanChannels[float32](*kc).Run(0, C)
		kbRun(b, func() { logScanBackChannels[float32](*kc).Run(0, C) })
	})
	kc.m.form = kc.m.cell.linForm()
	gateRows[float32](*kc).Run(0, kbB*kbT) // a, b
	b.Run("linear/forward", func(b *testing.B) { kbRun(b, func() { linScanChannels[float32](*kc).Run(0, C) }) })
	b.Run("linear/backward", func(b *testing.B) { kbRun(b, func() { linScanBackChannels[float32](*kc).Run(0, C) }) })
	kc.chunk, kc.nChunks = chunkSize(kbT)
	tasks := scanTiles(kbB, kbE) * kc.nChunks
	b.Run("chunked/forward", func(b *testing.B) {
		kbRun(b, func() {
			chunkLocalTasks[float32](*kc).Run(0, tasks)
			chunkCarryChannels[float32](*kc).Run(0, C)
			chunkFixTasks[float32](*kc).Run(0, tasks)
		})
	})
	b.Run("chunked/backward", func(b *testing.B) {
		kbRun(b, func() {
			chunkLocalBackTasks[float32](*kc).Run(0, tasks)
			chunkCarryBackChannels[float32](*kc).Run(0, C)
			chunkFixBackTasks[float32](*kc).Run(0, tasks)
		})
	})
	b.Run("sequential/forward", func(b *testing.B) { kbRun(b, func() { seqChannels[float32](*kc).Run(0, C) }) })
	b.Run("sequential/backward", func(b *testing.B) { kbRun(b, func() { seqBackChannels[float32](*kc).Run(0, C) }) })
}

// BenchmarkKernelS6 times Mamba's selective scan per channel-step (each
// covers N = 16 states).
func BenchmarkKernelS6(b *testing.B) {
	const N = 16
	M, E := kbB*kbT, kbE
	s := s6[float32]{B: kbB, T: kbT, E: E, N: N, LD: 2 * N,
		U: kbInputs(M*E, 1), Delta: make([]float32, M*E), A: make([]float32, E*N),
		BC: kbInputs(M*2*N, 2), Dskip: kbInputs(E, 3), H: make([]float32, M*E*N)}
	for i := range s.Delta {
		s.Delta[i] = 0.01 + 0.001*float32(i%50)
	}
	for i := range s.A {
		s.A[i] = -float32(1 + i%N)
	}
	y := make([]float32, M*E)
	var a tensor.Arena[float32]
	w := newS6Work(&a, kbB, kbT, E, N)
	dy, dU, dD, dA := kbInputs(M*E, 4), make([]float32, M*E), make([]float32, M*E), make([]float32, E*N)
	dBC, dSkip := make([]float32, M*2*N), make([]float32, E)
	b.Run("forward", func(b *testing.B) { kbRun(b, func() { s.forward(y) }) })
	b.Run("backward", func(b *testing.B) { kbRun(b, func() { s.backward(w, dy, dU, dD, dA, dBC, dSkip) }) })
}

// BenchmarkKernelSoftmax times the attention's causal softmax rows of one
// (b, h) pair at T = 1024, per score (T² per call, half of them masked).
func BenchmarkKernelSoftmax(b *testing.B) {
	const T = 1024
	p := kbInputs(T*T, 5)
	dp := kbInputs(T*T, 6)
	run := func(b *testing.B, body func()) {
		body()
		b.ReportAllocs()
		for b.Loop() {
			body()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*T*T), "ns/elem")
	}
	b.Run("forward", func(b *testing.B) {
		run(b, func() {
			for i := 0; i < T; i++ {
				softmaxPrefix(p[i*T:(i+1)*T], i+1)
			}
		})
	})
	b.Run("backward", func(b *testing.B) {
		run(b, func() {
			for i := 0; i < T; i++ {
				softmaxBackward(dp[i*T:i*T+i+1], p[i*T:i*T+i+1])
			}
		})
	})
}

// BenchmarkKernelCells times the GRU and LSTM cells' gate math (after the
// matmuls) per channel-step.
func BenchmarkKernelCells(b *testing.B) {
	E := kbE
	gates, gh := kbInputs(kbB*kbT*4*E, 7), kbInputs(3*E, 8)
	h, c, hn := make([]float32, E), make([]float32, E), make([]float32, E)
	b.Run("gru", func(b *testing.B) {
		kbRun(b, func() {
			for r := 0; r < kbB*kbT; r++ {
				gruCell(h, h, gates[r*3*E:(r+1)*3*E], gh, hn)
			}
		})
	})
	b.Run("lstm", func(b *testing.B) {
		kbRun(b, func() {
			for r := 0; r < kbB*kbT; r++ {
				lstmCell(h, c, c, gates[r*4*E:(r+1)*4*E])
			}
		})
	})
}
