package harness

// Result and point statuses: Result.Status (a training run) and
// Point.Status (a sweep point) take these values and no others.
const (
	StatusOK          = "ok"          // ran to the end (or measured)
	StatusTarget      = "target"      // a run stopped early at the target accuracy
	StatusDiverged    = "diverged"    // a non-finite loss or gradient stopped the run
	StatusInterrupted = "interrupted" // stopped by a signal or a deadline; resumable
	StatusSkipped     = "skipped"     // a point not measured: analytic memory above --max-mem, or ran past --point-timeout
	StatusFailed      = "failed"      // a point whose child process failed (crash, out of memory, diverged)
)
