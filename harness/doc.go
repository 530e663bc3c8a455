// Package harness trains and measures models: the training loop (AdamW,
// warm-up + cosine schedule, gradient clipping, periodic evaluation on
// held-out batches, early stop at a target accuracy), the machine
// description every record carries, and the run record itself (results.json).
package harness
