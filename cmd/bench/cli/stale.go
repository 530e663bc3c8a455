package cli

import (
	"path/filepath"

	"rnnbench/internal/atomicfile"
)

// removeStaleTemps deletes the temporary files (and report folders) that
// interrupted atomic writes left in a run's folder dir and its
// checkpoints folder: names of atomicfile's pattern, ".tmp-<name>-<digits>",
// only. --resume calls it once everything has been checked, before it
// writes.
func removeStaleTemps(dir string) error {
	_, err := atomicfile.RemoveStale(dir, filepath.Join(dir, checkpointDir))
	return err
}
