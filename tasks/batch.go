package tasks

// Batch is one batch: Tokens and Targets are [B, T]; a target of -1 is
// ignored by the loss.
type Batch struct {
	B, T    int
	Tokens  []int32 // [B, T]
	Targets []int32 // [B, T]; -1 = ignored
}

// NewBatch returns a zeroed batch of B rows of length T. It panics if B or
// T is negative.
func NewBatch(B, T int) *Batch {
	if B < 0 || T < 0 {
		panic("tasks: NewBatch: negative size")
	}
	return &Batch{B: B, T: T, Tokens: make([]int32, B*T), Targets: make([]int32, B*T)}
}

// Ignore is the target value the loss and accuracy skip.
const Ignore = -1
