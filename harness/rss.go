package harness

// SelfPeakRSS returns this process's peak resident set in bytes: VmHWM
// from /proc/self/status (Linux), or 0 where that is not available.
//
// A sweep's child process reports this figure rather than leaving the
// parent to read getrusage's ru_maxrss: on Linux, Go starts children with
// clone(CLONE_VM|CLONE_VFORK), so until exec the child runs in the
// parent's address space, and the kernel carries that address space's
// high-water mark into the child's ru_maxrss at exec. ru_maxrss is then at
// least the parent's peak (about 30 MiB once plots are drawn), however
// little the point itself uses. VmHWM belongs to the address space made
// at exec, so it counts the point alone.
func SelfPeakRSS() int64 { return procKB("/proc/self/status", "VmHWM") }
