package tasks_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"rnnbench/tasks"
)

// The package doc's example: validation bytes never seen in training share
// one extra "unknown" id.
func ExampleLoadCorpus() {
	dir, _ := os.MkdirTemp("", "tasks-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "text.txt")
	os.WriteFile(path, []byte("abababababababababXY"), 0o644)

	c, err := tasks.LoadCorpus(path, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("vocab %q, train %d, val %v, unknown %d, V %d\n", c.Vocab, len(c.Train), c.Val, c.UnknownVal, c.V())
	_, err = tasks.LoadCorpus(path, 2)
	fmt.Println(strings.ReplaceAll(err.Error(), path, "text.txt"))
	// Output:
	// vocab "ab", train 18, val [2 2], unknown 2, V 3
	// data file "text.txt" has 20 bytes (train 18, val 2) but --seq-len 2 needs at least 21 bytes so that both parts hold seq-len+1 = 3: use a longer file or a smaller --seq-len
}

func ExampleSelectiveCopy_Validate() {
	fmt.Println(tasks.SelectiveCopy{T: 4096, K: 16}.Validate())
	fmt.Println(tasks.SelectiveCopy{T: 64, K: 40}.Validate())
	// Output:
	// <nil>
	// --copy-tokens 40 does not fit --seq-len 64: need 1 ≤ copy-tokens ≤ seq-len/2 = 32
}

// Two parity rows of input length 4 (T = 5): four bits, EMPTY (2), and the
// parity read at the last position.
func ExampleFillLength() {
	b := tasks.NewBatch(2, tasks.Parity{}.SeqLen(4))
	tasks.FillLength(tasks.Parity{}, b, 4, rand.New(rand.NewPCG(1, 2)))
	for r := range b.B {
		fmt.Println(b.Tokens[r*b.T:(r+1)*b.T], b.Targets[r*b.T:(r+1)*b.T])
	}
	acc, n := tasks.Accuracy(tasks.OracleBatch(tasks.Parity{}, b, 4), b.Targets)
	fmt.Printf("oracle %.0f%% of %d; scaled accuracy of 75%% on 2 classes: %.1f\n", 100*acc, n, tasks.Scaled(0.75, tasks.Chance(tasks.Parity{})))
	// Output:
	// [0 0 0 0 2] [-1 -1 -1 -1 0]
	// [0 0 1 0 2] [-1 -1 -1 -1 1]
	// oracle 100% of 2; scaled accuracy of 75% on 2 classes: 0.5
}
