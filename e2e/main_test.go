// Package e2e holds the end-to-end tests of the lab command: the binary,
// built once by TestMain, run as a learner runs it, each test in a scope of
// its own that is reset and checked empty at the end. Kernel tests need
// root and skip without it; the machine's own namespace is fingerprinted
// before and after the whole run.
package e2e

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cnilab/lab/internal/machine"
)

var (
	// labBin is the lab binary built once by TestMain.
	labBin string
	// waitRace waits for the lab binary built with -race, started by
	// TestMain, and returns its path.
	waitRace func() (string, error)
	raceBin  string
	raceErr  error
	// progressDir is $CNILAB_STATE of every lab the tests run.
	progressDir string
)

// labPkg is the lab command's package, built by its import path: the tests
// run in e2e/, not at the module's root.
const labPkg = "github.com/cnilab/lab"

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		// make unit: every test here runs the built binary; they skip.
		os.Exit(m.Run())
	}
	os.Exit(testMain(m))
}

// cniPlugins are the reference plugins the CNI lessons run (go.mod's tools).
var cniPlugins = []string{
	"github.com/containernetworking/plugins/plugins/main/bridge",
	"github.com/containernetworking/plugins/plugins/ipam/host-local",
	"github.com/containernetworking/plugins/plugins/main/loopback",
	"github.com/containernetworking/plugins/plugins/meta/portmap",
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "cnilab-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The not-root tests run the binary as nobody: it must reach it.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "chmod temp dir:", err)
		return 1
	}
	if given := os.Getenv("CNILAB_TEST_BIN_DIR"); given != "" {
		// Given, as to a suite run as an unprivileged user in a rootless
		// lab (TestRootlessSuites), which cannot build.
		labBin = filepath.Join(given, "lab")
		raceBin = os.Getenv("CNILAB_TEST_RACE_BIN")
		waitRace = func() (string, error) {
			if raceBin == "" {
				return "", fmt.Errorf("no -race build of lab given (CNILAB_TEST_RACE_BIN)")
			}
			return raceBin, nil
		}
		return runSuite(m, dir)
	}
	labBin = filepath.Join(dir, "lab")
	// The -race build of TestEightScopesAtOnce compiles every package again:
	// it starts now, beside the other builds and the tests that do not
	// need it.
	race := filepath.Join(dir, "race", "lab")
	os.Mkdir(filepath.Dir(race), 0o755)
	raceDone := make(chan struct{})
	go func() {
		defer close(raceDone)
		out, err := exec.Command("go", "build", "-race", "-o", race, labPkg).CombinedOutput()
		if err != nil {
			raceErr = fmt.Errorf("go build -race: %v\n%s", err, out)
			return
		}
		raceBin = race
	}()
	defer func() { <-raceDone }() // the temp dir goes after the build
	waitRace = func() (string, error) { <-raceDone; return raceBin, raceErr }
	// lab looks for the CNI plugins in the cni folder next to itself.
	for _, b := range [][]string{{"-o", labBin, labPkg}, append([]string{"-o", filepath.Join(dir, "cni") + "/"}, cniPlugins...)} {
		build := exec.Command("go", append([]string{"build"}, b...)...)
		build.Env = append(os.Environ(), "CGO_ENABLED=0") // as make build ships it
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "go build", b, ":", err)
			return 1
		}
	}
	return runSuite(m, dir)
}

// runSuite runs the tests with the machine guard around them; dir is the
// suite's temporary folder.
func runSuite(m *testing.M, dir string) int {
	progressDir = filepath.Join(dir, "state")
	os.Setenv("CNILAB_STATE", progressDir)
	os.Setenv("NO_COLOR", "1")

	check := machine.Guard()
	code := m.Run()
	if err := check(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	// Progress is the learner's: a test scope never writes it.
	if _, err := os.Stat(filepath.Join(progressDir, "progress.json")); err == nil {
		fmt.Fprintln(os.Stderr, "a test scope wrote the progress file", filepath.Join(progressDir, "progress.json"))
		code = 1
	}
	return code
}

// needBinary skips a test under -short (make unit), where TestMain builds
// no binary.
func needBinary(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the lab binary: not a unit test")
	}
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("needs root: the lab makes network namespaces")
	}
}
