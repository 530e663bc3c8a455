//go:build !unix

package harness

import "os"

// maxRSSBytes is 0 where getrusage is not available: peak RSS is then not
// measured (reports show it as 0 and plots leave it out).
func maxRSSBytes(*os.ProcessState) int64 { return 0 }
