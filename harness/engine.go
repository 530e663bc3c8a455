package harness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"rnnbench/internal/atomicfile"
	"sync"
)

// Engine runs the units of an experiment plan, up to Jobs at once, and
// appends each finished unit's entry (a Result or a Point, which names its
// Unit) to the append-only log Dir/Log as it finishes: one JSON line, one
// write, synced. Run and sweep and ci are plans on it; only what a unit
// does (Run) and what is written after each (Done) differ.
type Engine[R any] struct {
	Dir   string // the experiment's folder; "" keeps no log (bench ci)
	Log   string // the log's file name in Dir
	Units []Unit // the whole plan, Units[i].Index == i
	// Shard of Shards: this process runs the units with Index ≡ Shard (mod Shards).
	Shard, Shards int
	// Jobs is how many units run at once (≥ 1). Run must then be safe
	// to call concurrently: with Jobs > 1 each call starts a child process.
	Jobs int
	// Run runs one unit. logged false: the unit did not finish (it was
	// interrupted) and its entry is passed to Done but not logged. A
	// non-nil error stops the experiment.
	Run func(ctx context.Context, u Unit) (entry R, logged bool, err error)
	// Done, if not nil, is called after each unit, one call at a time, in
	// the order the units finish (the summary is rewritten there).
	Done func(u Unit, entry R, logged bool) error
}

// Finished is what a folder's log holds of a plan (LoadFinished).
type Finished[R any] struct {
	Entries map[int]R // plan index → finished entry
	Raw     [][]byte  // their log lines, in log order
	Dropped int       // torn last line and repeated units dropped
	Torn    bool      // the log ended in a torn line
}

// LoadFinished reads the log at path and matches each line to the plan
// by its unit's ID, returning the finished units of this shard. unitOf
// returns the Unit an entry names (nil if none). It fails, naming the
// file and line, if a line is not an entry, names no unit or a unit that
// is not in the plan or not in this shard, or names a unit whose key
// differs from the plan's (naming the first differing field). A unit
// logged twice keeps its first line.
func LoadFinished[R any](path string, units []Unit, shard, shards int, unitOf func(*R) *Unit) (*Finished[R], error) {
	lines, err := ReadLog[R](path)
	if err != nil {
		return nil, err
	}
	byID := map[string]int{}
	for _, u := range units {
		byID[u.ID] = u.Index
	}
	name := filepath.Base(path)
	f := &Finished[R]{Entries: map[int]R{}, Torn: lines.Torn}
	if lines.Torn {
		f.Dropped++
	}
	for k := range lines.Items {
		u := unitOf(&lines.Items[k])
		if u == nil {
			return nil, fmt.Errorf("%s line %d names no unit: not written by this bench", name, k+1)
		}
		i, ok := byID[u.ID]
		if !ok || !UnitInShard(i, shard, shards) {
			return nil, fmt.Errorf("%s line %d is unit %q, not a unit of this plan%s", name, k+1, u.ID, shardNote(shards))
		}
		if d := FirstDiff(u.Key, units[i].Key); d != "" {
			return nil, fmt.Errorf("%s line %d, unit %q: its key differs from the plan's: %s", name, k+1, u.ID, d)
		}
		if _, dup := f.Entries[i]; dup {
			f.Dropped++
			continue
		}
		f.Entries[i] = lines.Items[k]
		f.Raw = append(f.Raw, lines.Raw[k])
	}
	return f, nil
}

func shardNote(shards int) string {
	if shards > 1 {
		return "'s shard"
	}
	return ""
}

// Pending returns the units of this shard that done lacks, in plan order.
func (e *Engine[R]) Pending(done map[int]R) []Unit {
	var out []Unit
	for _, u := range e.Units {
		if _, ok := done[u.Index]; !ok && UnitInShard(u.Index, e.Shard, e.Shards) {
			out = append(out, u)
		}
	}
	return out
}

// Execute runs every pending unit of this shard (those not in prior), at
// most Jobs at once, logging each finished one. prior, if not nil, is what
// a resumed folder finished: the log is first rewritten to its lines (so
// a torn last line is gone); otherwise the log starts empty. Cancelling
// ctx stops starting units and lets the running ones stop (they come back
// unlogged, or not at all when Run returns an error after the
// cancellation); Execute then returns nil, and ctx.Err() tells the caller.
func (e *Engine[R]) Execute(ctx context.Context, prior *Finished[R]) error {
	var log *os.File
	if e.Dir != "" {
		path := filepath.Join(e.Dir, e.Log)
		var raw [][]byte
		if prior != nil {
			raw = prior.Raw
		}
		// Leftovers of atomic writes a crash interrupted (atomicfile's
		// pattern only) go before the first write.
		if _, err := atomicfile.RemoveStale(e.Dir, filepath.Join(e.Dir, "checkpoints")); err != nil {
			return fmt.Errorf("writing results to %s: %w", e.Dir, err)
		}
		if err := RewriteLines(path, raw); err != nil {
			return fmt.Errorf("writing results to %s: %w", e.Dir, err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("writing results to %s: %w", e.Dir, err)
		}
		defer f.Close()
		log = f
	}
	var done map[int]R
	if prior != nil {
		done = prior.Entries
	}
	pending := e.Pending(done)
	type outcome struct {
		u      Unit
		entry  R
		logged bool
		err    error
		seen   chan struct{} // closed once logged and Done: the worker may take the next unit
	}
	parent := ctx
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	todo := make(chan Unit)
	results := make(chan outcome)
	var wg sync.WaitGroup
	for range max(1, min(e.Jobs, len(pending))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range todo {
				if ctx.Err() != nil {
					continue // cancelled while this unit was handed over
				}
				entry, logged, err := e.Run(ctx, u)
				o := outcome{u, entry, logged, err, make(chan struct{})}
				results <- o
				<-o.seen // with Jobs 1, units and their Done calls strictly alternate
			}
		}()
	}
	go func() {
		defer close(todo)
		for _, u := range pending {
			if ctx.Err() != nil {
				return
			}
			select {
			case todo <- u:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	var first error
	handle := func(o outcome) error {
		if first != nil || (o.err != nil && parent.Err() != nil) {
			return nil // draining after an error, or interrupted before it finished: nothing to show
		}
		err := o.err
		if err == nil && o.logged && log != nil {
			if err = AppendLine(log, o.entry); err != nil {
				err = fmt.Errorf("writing results to %s: %w", e.Dir, err)
			}
		}
		if err == nil && e.Done != nil {
			err = e.Done(o.u, o.entry, o.logged)
		}
		return err
	}
	for o := range results {
		if err := handle(o); err != nil {
			first = err
			stop()
		}
		close(o.seen)
	}
	return first
}
