// Command bench trains and measures minimal RNNs (minGRU, minLSTM) beside
// GRU, LSTM, a Transformer and a Mamba-style selective scan. Run
// `bench --help` for the commands and `bench run --help` for every flag.
package main

import (
	"os"

	"rnnbench/cmd/bench/cli"
)

func main() { os.Exit(cli.Main(os.Args, os.Stdout, os.Stderr)) }
