package tensor

import (
	"reflect"
	"sync"
)

// Kernel is a parallel loop body that carries its own arguments: a plain
// value (slices, sizes) whose Run(lo, hi) works on indices [lo, hi).
type Kernel interface {
	Run(lo, hi int)
}

// ForWith runs k.Run(lo, hi) over [0, n) exactly as For runs a body: the
// same chunks, the same pool, the same bit-identical results at any
// GOMAXPROCS. It passes the kernel's arguments by value, so that callers
// need neither a closure nor fields holding the running call's arguments,
// and it makes no heap allocation once each kernel type has run in
// parallel once (its slot, below, is made then).
func ForWith[K Kernel](n, grain int, k K) {
	chunks, workers, pooled := acquirePool(n, grain)
	if !pooled {
		if n > 0 {
			k.Run(0, n)
		}
		return
	}
	defer pool.mu.Unlock()
	// The pool is ours until Unlock, and with it every kernel slot.
	s := slotOf[K]()
	s.k = k
	runPool(s.run, n, chunks, workers)
	var zero K
	s.k = zero // drop the references to the caller's slices
}

// kernelSlot holds the running kernel of one type K for the pool's workers,
// with its run method bound once.
type kernelSlot[K Kernel] struct {
	k   K
	run func(lo, hi int)
}

// kernelSlots maps reflect.Type of K to its *kernelSlot[K].
var kernelSlots sync.Map

func slotOf[K Kernel]() *kernelSlot[K] {
	key := reflect.TypeFor[K]()
	if v, ok := kernelSlots.Load(key); ok {
		return v.(*kernelSlot[K])
	}
	s := &kernelSlot[K]{}
	s.run = func(lo, hi int) { s.k.Run(lo, hi) }
	v, _ := kernelSlots.LoadOrStore(key, s)
	return v.(*kernelSlot[K])
}
