package tensor

// Kind says what a counted allocation holds.
type Kind int

const (
	// Activation buffers are kept from forward for backward (and their
	// gradients); they scale with B·T and are what the paper's memory
	// claims are about.
	Activation Kind = iota
	// Scratch buffers are reused workspace, live only inside one call.
	Scratch
	numKinds
)

// Arena makes slices and counts their elements by Kind, so that the bytes a
// model keeps for backward are known exactly from the shapes (llm.c style).
// The zero value is ready to use.
type Arena[F Float] struct {
	floats [numKinds]int64
}

// Make returns a zeroed slice of n elements and counts it under kind.
func (a *Arena[F]) Make(kind Kind, n int) []F {
	a.floats[kind] += int64(n)
	return make([]F, n)
}

// Bytes returns the bytes allocated so far under kind.
func (a *Arena[F]) Bytes(kind Kind) int64 {
	return a.floats[kind] * SizeOf[F]()
}
