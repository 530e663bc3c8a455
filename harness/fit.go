package harness

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"rnnbench/models"
)

// FitCache holds each model config's models.MemoryFit at one batch size B, or
// why it has none (too big for the limit), computing each once.
type FitCache struct {
	mu    sync.Mutex
	B     int
	limit float64
	fits  map[models.Config]fitEntry
}

// fitEntry is one config's models.FitMemory outcome.
type fitEntry struct {
	fit *models.MemoryFit
	err error
}

// NewFitCache returns an empty cache for batch B and memory limit bytes.
func NewFitCache(B int, limit float64) *FitCache {
	return &FitCache{B: B, limit: limit, fits: map[models.Config]fitEntry{}}
}

// Get returns c's fit, computing it once.
func (f *FitCache) Get(c models.Config) (*models.MemoryFit, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.fits[c]
	if !ok {
		e.fit, e.err = models.FitMemory(c, f.B, f.limit)
		f.fits[c] = e
	}
	return e.fit, e.err
}

// PointMemory returns the analytic peak bytes of spec's point, and whether
// that figure is only a lower bound (the model is too big to build).
func (f *FitCache) PointMemory(spec PointSpec) (float64, bool, error) {
	fit, err := f.Get(spec.Model)
	var big *models.TooBigError
	if errors.As(err, &big) {
		return big.AtLeast, true, nil
	}
	if err != nil {
		return 0, false, err
	}
	return fit.Point(spec.T), false, nil
}

// MeasureInChild checks the point's analytic memory against maxMem and, if
// it fits, measures the point in a child process of exe
// (RunPointProcess). A point over maxMem comes back skipped, with the
// reason. Absurd sizes are judged from the shapes alone, without building
// the model (models.FitMemory); human writes byte counts in the reason.
func MeasureInChild(ctx context.Context, exe string, spec PointSpec, fits *FitCache, maxMem int64, timeout time.Duration, human func(float64) string) (Point, error) {
	est, atLeast, err := fits.PointMemory(spec)
	if err != nil {
		return Point{}, err
	}
	if est > float64(maxMem) {
		pt := NewPoint(spec)
		pt.Status = StatusSkipped
		bound := ""
		if atLeast {
			bound = "at least "
		}
		pt.Reason = fmt.Sprintf("analytic memory %s%s exceeds --max-mem %s", bound, human(est), human(float64(maxMem)))
		return pt, nil
	}
	return RunPointProcess(ctx, exe, spec, timeout)
}
