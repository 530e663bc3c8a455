// Package views turns rnnbench's records (harness.Record: training runs,
// sweeps, grids, length generalisation) into tables, figures, index.html,
// CSV/JSON exports and results.bench files, with the generic kit of
// package reports. It sits above harness and models and below the command
// layer (cmd/bench/cli); the paper's reference figures come from package
// paper. Layering, bottom up: internal/ → models, tasks → harness →
// reports (kit) → views → cmd/bench/cli.
package views
