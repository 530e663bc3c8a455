// Package harness trains and measures models: the training loop (AdamW,
// warm-up + cosine schedule, gradient clipping, periodic evaluation on
// held-out batches, early stop at a target accuracy), sweep points, the
// machine description every record carries, the run record itself
// (results.json), and the experiment engine that runs, logs, resumes,
// locks and shards plans of units (engine.go, unit.go, lock.go), in this
// process or in child processes (child.go).
package harness
