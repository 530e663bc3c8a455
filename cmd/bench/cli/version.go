package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
)

// `bench --version` prints one line: the module version (from the build
// information: a tag when installed with go install module@version,
// "(devel)" when built from a checkout), the VCS commit, the Go version and
// platform, and the matmul backend. There is no -v shorthand: -v usually
// means verbose, and an unknown -v is better refused than misread.
func init() {
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version, commit, Go version and matmul backend", DisableDefaultText: true}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, versionLine()) }
}

// moduleVersion is the main module's version from the build information.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(unknown)"
}

// versionLine is "bench <module version>, commit <c>, <go version>
// <os/arch>, matmul <backend>". It may run git (harness.ThisMachine), so
// it is computed only when printed.
func versionLine() string {
	m := harness.ThisMachine()
	return fmt.Sprintf("bench %s, commit %s, %s %s, matmul %s", moduleVersion(), m.Commit, m.GoVersion, m.OS, m.Backend)
}
