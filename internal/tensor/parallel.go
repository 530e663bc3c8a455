package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For runs body(lo, hi) over [0, n) split into chunks of about grain items,
// on the caller and a persistent pool of workers (started as needed, up to
// one fewer than the largest GOMAXPROCS seen; each call wakes all of them,
// and each takes chunks while any are left). Chunk boundaries depend only on n and grain, never on the number
// of workers, and body must write disjoint outputs per index without
// reducing across indices, so results are bit-identical with GOMAXPROCS 1
// or 2. With one worker, one chunk, or when another For is already running
// (a nested or concurrent call), body(0, n) runs on the caller.
// For makes no heap allocation of its own; a body closure that captures
// variables may (bind such closures once, outside the hot loop).
func For(n, grain int, body func(lo, hi int)) {
	chunks, workers, pooled := acquirePool(n, grain)
	if !pooled {
		if n > 0 {
			body(0, n)
		}
		return
	}
	defer pool.mu.Unlock()
	runPool(body, n, chunks, workers)
}

// acquirePool splits a loop over [0, n) into chunks of grain (at least 1)
// and reports whether it runs on the pool: more than one worker, n > 0 and
// no other loop holding the pool. When pooled, the caller holds pool.mu
// and must unlock it; otherwise it runs the whole loop itself (if n > 0).
func acquirePool(n, grain int) (chunks, workers int, pooled bool) {
	if n <= 0 {
		return 0, 0, false
	}
	grain = max(grain, 1)
	chunks = (n + grain - 1) / grain
	workers = min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 || !pool.mu.TryLock() {
		return chunks, workers, false
	}
	return chunks, workers, true
}

// runPool runs body over [0, n) in chunks on workers goroutines (the
// caller one of them); the caller holds pool.mu. Every started worker
// takes part (those that find no chunk left just report done), and the
// caller waits for all of them, so no worker reads the job after runPool
// returns. Posting and waiting go through two counters (wake.go): a
// waiter spins briefly, then sleeps on the counter without a sudog, so
// the hand-off neither allocates nor waits for the Go scheduler to move a
// goroutine between cores.
func runPool(body func(lo, hi int), n, chunks, workers int) {
	for pool.started < workers-1 {
		pool.started++
		go worker(pool.posted.load())
	}
	j := &pool.job
	j.body, j.n, j.size, j.chunks = body, n, (n+chunks-1)/chunks, chunks
	j.next.Store(0)
	target := pool.done.load() + uint32(pool.started)
	pool.posted.add()
	j.run()
	for d := pool.done.load(); d != target; {
		d = pool.done.waitChange(d)
	}
	j.body = nil
}

// Splits reports whether For(n, grain, ·) or ForWith would run on more
// than one goroutine, so that callers can skip building a closure when it
// would not, or split whole blocks (grain 1) only above a work threshold
// (nn's column sums), running the same body over the whole range
// otherwise, so that results are bit-identical either way.
func Splits(n, grain int) bool {
	if grain < 1 {
		grain = 1
	}
	return n > grain && runtime.GOMAXPROCS(0) > 1
}

var pool struct {
	mu      sync.Mutex // held by the running For
	started int
	job     job
	count   atomic.Int64 // the running ForCount's sum
	posted  counter      // jobs posted so far
	done    counter      // jobs finished by workers so far, one per worker per job
}

type job struct {
	body            func(lo, hi int)
	n, size, chunks int
	next            atomic.Int64
}

// worker runs each job posted after seen, until the process ends.
func worker(seen uint32) {
	for {
		seen = pool.posted.waitChange(seen)
		pool.job.run()
		pool.done.add()
	}
}

// run takes chunks until none are left.
func (j *job) run() {
	for {
		c := int(j.next.Add(1) - 1)
		if c >= j.chunks {
			return
		}
		lo := c * j.size
		if hi := min(j.n, lo+j.size); lo < hi {
			j.body(lo, hi)
		}
	}
}
