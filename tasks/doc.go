// Package tasks holds rnnbench's training tasks. A task is a pure function
// of (config, seed), as in HazyResearch/zoology: the same configuration and
// the same *rand.Rand state (math/rand/v2) always give the same batches.
//
// Every task fills a Batch: Tokens and Targets, both [B, T] int32 in
// row-major order (row b, position t is index b*T+t). A target of -1 is
// ignored by the loss and by accuracy.
//
// # Selective copying
//
// SelectiveCopy is the task of Gu & Dao 2023 (§3.1, App. E.1) in the layout
// of the minRNNs code (Feng et al. 2024). The vocabulary is fixed at 16:
// token 0 is the "copy now" marker, 15 the blank, 1..14 data. A row of
// length T with K data tokens holds, in its first T−K positions, blanks with
// K data tokens (each uniform in 1..14) at K distinct sorted random
// positions, and in its last K positions the marker. Targets are -1
// everywhere except the last K positions, where position T−K+j has target
// data[j]. Worked example, T = 10, K = 3, data 7, 3, 12 at positions 1, 4, 5:
//
//	position  0  1  2  3  4  5  6  7  8  9
//	tokens   15  7 15 15  3 12 15  0  0  0
//	targets  -1 -1 -1 -1 -1 -1 -1  7  3 12
//
// CopyAccuracy scores predictions on the counted positions: per-token
// accuracy and the fraction of rows copied exactly.
//
// # Character-level text
//
// LoadCorpus reads any text file (tiny Shakespeare by default, see
// EnsureShakespeare) as bytes and splits it as nanoGPT's
// shakespeare_char/prepare.py does: the first n = ⌊0.9·len⌋ bytes train, the
// rest validate. The vocabulary is the sorted distinct bytes of the training
// part; byte Vocab[i] has id i. Validation bytes never seen in training map
// to one extra "unknown" id len(Vocab), counted in UnknownVal; V is
// len(Vocab)+1 when UnknownVal > 0 and len(Vocab) otherwise. For example the
// 20-byte text "abababababababababXY" gives train "ababababababababab"
// (18 bytes), val "XY", Vocab "ab", Val [2 2], UnknownVal 2, V 3.
//
// A window of T+1 consecutive ids w gives one row: tokens w[0:T], targets
// w[1:T+1] (next-byte prediction).
//
// # Formal languages and associative recall
//
// The synthetic tasks of Registry implement Generator: rows laid out from
// an input length L, the answer computable from the tokens by the task's
// Oracle. Seven are the formal languages of the minRNNs code (Parity,
// EvenPairs, CycleNav, BucketSort, Majority, MajorityCount,
// MissingDuplicate), trained on short L and tested on long L; MQAR is
// zoology's multi-query associative recall at one length. Each type's doc
// comment has a worked example; FillLength fills a Batch, Chance and
// Scaled give xLSTM's scaled accuracy.
//
// Errors that callers branch on are sentinels (ErrConfig, ErrEmpty,
// ErrNotText, ErrTooShort, ErrUnknownByte, ErrChecksum), matched with
// errors.Is; a missing or unreadable file wraps fs.ErrNotExist or
// fs.ErrPermission. Error texts are one line that names the file or flag and
// says what to do. Functions panic on shape mismatches (programmer errors).
package tasks
