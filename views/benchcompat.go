package views

import "rnnbench/reports"

// upgradeUnits converts results read from schema 1 files to schema 2's
// units in place: the fractions under "accuracy" and "seq-accuracy" become
// percentages under AccuracyUnit and SeqAccuracyUnit (×100, the same
// product schema 2's writer computes, so seeded values stay bit-equal).
// Schema 2 never writes those two units, so they identify old lines
// whatever file they were concatenated with. It returns results.
func upgradeUnits(results []reports.Result) []reports.Result {
	for i := range results {
		for j, m := range results[i].Metrics {
			switch m.Unit {
			case "accuracy":
				results[i].Metrics[j] = reports.Metric{Value: 100 * m.Value, Unit: reports.AccuracyUnit}
			case "seq-accuracy":
				results[i].Metrics[j] = reports.Metric{Value: 100 * m.Value, Unit: reports.SeqAccuracyUnit}
			}
		}
	}
	return results
}

// lastConfig returns the last config line that is not the cleared count
// line of schema 2 (CountKey with no value), or a zero Config.
func lastConfig(config []reports.Config) reports.Config {
	for i := len(config) - 1; i >= 0; i-- {
		if c := config[i]; c.Key != CountKey || c.Value != "" {
			return c
		}
	}
	return reports.Config{}
}
