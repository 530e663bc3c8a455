package harness

import (
	"fmt"

	"rnnbench/models"
)

// RecordLimits bound what a results.json (and each line of results.jsonl
// and points.jsonl) may hold, so that a crafted record cannot make
// `report`, `compare`, `merge` or `--resume` run for minutes or print
// megabytes: DecodeRecord refuses a record beyond them in one line. Every
// limit is far above what bench writes (README, "Reliability"); report
// draws 10,000 sweep points in about 2 s.
var RecordLimits = struct {
	Name    int // bytes of a name: task, model/mode, mixer, mode, point
	Reason  int // bytes of a status reason
	Sample  int // bytes of a char-lm sample (--sample ≤ 10^6 characters)
	Results int // models in a run
	Evals   int // evaluations of one model
	Models  int // models of a sweep
	Lengths int // sequence lengths of a sweep
	Points  int // points of a sweep
}{Name: 256, Reason: 4096, Sample: 4 << 20, Results: 1000, Evals: 1_000_000, Models: 100, Lengths: 500, Points: 10_000}

// CheckRecordLimits returns a one-line error naming the first part of r
// beyond RecordLimits, or nil. name names r in the error.
func CheckRecordLimits(r *Record, name string) error {
	L := RecordLimits
	over := func(what string, n, limit int) func() error {
		return func() error {
			if n > limit {
				return fmt.Errorf("%q holds %d %s, more than the %d allowed: not a results file bench wrote", name, n, what, limit)
			}
			return nil
		}
	}
	configNames := func(c *models.Config) error { return named(name, checkConfigNames(*c)) }
	// In this order: counts before the items they count, so that an
	// oversized list is refused before it is walked.
	checks := []func() error{
		func() error { return named(name, checkName("task", r.Task)) },
		over("results", len(r.Results), L.Results),
		over("planned models", len(r.Planned), L.Results),
		checkEach(r.Planned, configNames),
		checkEach(r.Results, func(res *Result) error { return CheckResultLimits(res, name) }),
	}
	if s := r.Sweep; s != nil {
		checks = append(checks,
			over("sweep models", len(s.Models), L.Models),
			over("sweep lengths", len(s.Lengths), L.Lengths),
			checkEach(s.Models, configNames))
	}
	checks = append(checks,
		over("sweep points", len(r.Points), L.Points),
		checkEach(r.Points, func(p *Point) error { return CheckPointLimits(p, name) }))
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// checkEach is a check of every item of items by check, in order, that
// returns the first error.
func checkEach[T any](items []T, check func(*T) error) func() error {
	return func() error {
		for i := range items {
			if err := check(&items[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// CheckResultLimits is CheckRecordLimits for one model's result (a line
// of results.jsonl).
func CheckResultLimits(res *Result, name string) error {
	return named(name, resultLimits(res))
}

// CheckPointLimits is CheckRecordLimits for one sweep point (a line of
// points.jsonl).
func CheckPointLimits(p *Point, name string) error {
	return named(name, pointLimits(p))
}

// named prefixes err, if any, with the quoted name of the file it is about.
func named(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%q: %v", name, err)
}

// resultLimits is CheckResultLimits without the file's name.
func resultLimits(res *Result) error {
	L := RecordLimits
	if err := checkFields("result", []field{{"name", res.Name, L.Name}, {"status", res.Status, L.Name}, {"reason", res.Reason, L.Reason}, {"sample", res.Sample, L.Sample}}); err != nil {
		return err
	}
	if len(res.Evals) > L.Evals {
		return fmt.Errorf("result %q holds %d evaluations, more than the %d allowed: not a results file bench wrote", res.Name, len(res.Evals), L.Evals)
	}
	return checkConfigNames(res.Model)
}

// pointLimits is CheckPointLimits without the file's name.
func pointLimits(p *Point) error {
	L := RecordLimits
	if err := checkFields("point", []field{{"name", p.Name, L.Name}, {"status", p.Status, L.Name}, {"reason", p.Reason, L.Reason}}); err != nil {
		return err
	}
	return checkConfigNames(p.Model)
}

// field is one string of a result or point and its limit in bytes.
type field struct {
	what, s string
	limit   int
}

// checkFields returns an error naming the first of fields, of a record's
// item of kind kind ("result", "point"), that is over its limit.
func checkFields(kind string, fields []field) error {
	for _, f := range fields {
		if len(f.s) > f.limit {
			return fmt.Errorf("a %s's %s is %d bytes, more than the %d allowed: not a results file bench wrote", kind, f.what, len(f.s), f.limit)
		}
	}
	return nil
}

func checkConfigNames(c models.Config) error {
	if err := checkName("mixer", c.Mixer); err != nil {
		return err
	}
	return checkName("mode", c.Mode)
}

func checkName(what, s string) error {
	if len(s) > RecordLimits.Name {
		return fmt.Errorf("a %s name is %d bytes, more than the %d allowed: not a results file bench wrote", what, len(s), RecordLimits.Name)
	}
	return nil
}
