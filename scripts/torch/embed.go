// Package torchscripts holds the PyTorch scripts that the bench binary
// runs itself: peer.py, the peer of `bench run --task sweep --peer torch`
// (harness/peer.go). The fixture generators beside it are run by hand.
package torchscripts

import _ "embed"

// Peer is scripts/torch/peer.py.
//
//go:embed peer.py
var Peer []byte
