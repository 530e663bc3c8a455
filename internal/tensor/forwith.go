package tensor

import (
	"reflect"
	"sync"
	"sync/atomic"
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
	runKernel(k, n, chunks, workers)
}

// Counter is a parallel loop body, like Kernel, that returns a count for
// its range [lo, hi) (e.g. the rows it found correct).
type Counter interface {
	Count(lo, hi int) int
}

// ForCount runs k.Count(lo, hi) over [0, n) as ForWith runs a kernel and
// returns the sum of the counts. Integer sums do not depend on their
// order, so the result is the same at any GOMAXPROCS. Like ForWith it
// makes no heap allocation once each counter type has run in parallel.
func ForCount[K Counter](n, grain int, k K) int {
	chunks, workers, pooled := acquirePool(n, grain)
	if !pooled {
		if n > 0 {
			return k.Count(0, n)
		}
		return 0
	}
	defer pool.mu.Unlock()
	pool.count.Store(0)
	runKernel(counted[K]{k, &pool.count}, n, chunks, workers)
	return int(pool.count.Load())
}

// counted runs a Counter as a Kernel, adding its counts to sum (the
// pool's, which the running loop owns).
type counted[K Counter] struct {
	k   K
	sum *atomic.Int64
}

func (c counted[K]) Run(lo, hi int) { c.sum.Add(int64(c.k.Count(lo, hi))) }

// runKernel runs k over [0, n) on the pool through the slot of its type;
// the caller holds pool.mu, and with it every kernel slot.
func runKernel[K Kernel](k K, n, chunks, workers int) {
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
