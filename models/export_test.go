package models

// ScaledErr is scaledErr (scan_test.go) for the external tests.
var ScaledErr = scaledErr
