//go:build !unix

package safefile

// nonBlock: no FIFOs to guard against outside Unix.
const nonBlock = 0
