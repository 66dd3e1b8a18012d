package cni

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cnilab/lab/internal/machine"
	"github.com/cnilab/lab/netops/ns"
)

// machineIPAM is where host-local writes article 001's leases when nobody
// gives it a dataDir: the lab's own runs must never create it.
const machineIPAM = "/var/lib/cni/networks/demo_br"

var (
	repoRoot  string // /work/main
	pluginDir string // repoRoot/bin/cni
	noPlugins string // why the plugins are missing, "" when they are there
)

// TestMain builds the reference plugins when bin/cni has none, runs the
// tests, and fails the package when the machine's own namespace changed or
// host-local wrote to the machine's /var/lib/cni.
func TestMain(m *testing.M) {
	root, err := filepath.Abs("../..")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	repoRoot, pluginDir = root, filepath.Join(root, "bin", "cni")
	if _, err := os.Stat(filepath.Join(pluginDir, "bridge")); err != nil {
		build := exec.Command("make", "-C", repoRoot, "build")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			noPlugins = fmt.Sprintf("the reference plugins are not in %s and `make -C %s build` failed: %v", pluginDir, repoRoot, err)
		}
	}
	_, statErr := os.Stat(machineIPAM)
	hadIPAM := statErr == nil

	check := machine.Guard()
	code := m.Run()
	if err := check(); err != nil {
		fmt.Fprintln(os.Stderr, "the machine's own namespace changed:", err)
		code = 1
	}
	if _, err := os.Stat(machineIPAM); err == nil && !hadIPAM {
		fmt.Fprintf(os.Stderr, "%s was created: a plugin ran without the lab's dataDir\n", machineIPAM)
		code = 1
	}
	os.Exit(code)
}

// needKernel skips a test that needs root and the built plugins.
func needKernel(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("needs root: network namespaces and CNI plugins")
	}
	if noPlugins != "" {
		t.Skip(noPlugins)
	}
}

// scratch creates the namespace cnitest-<x>-<pid> and removes it, by that
// exact name, when the test ends.
func scratch(t *testing.T, x string) string {
	t.Helper()
	name := fmt.Sprintf("cnitest-%s-%d", x, os.Getpid())
	_ = ns.Delete(name) // a leftover of a killed run of this same pid
	if err := ns.Create(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ns.Delete(name); err != nil {
			t.Errorf("remove scratch netns: %v", err)
		}
	})
	return name
}

// runtimeIn is a Runtime on a scratch host namespace with its state in the
// test's temporary dir.
func runtimeIn(t *testing.T, host string) *Runtime {
	t.Helper()
	dir := t.TempDir()
	return &Runtime{
		HostNetns: host,
		PluginDir: pluginDir,
		CacheDir:  filepath.Join(dir, "cache"),
		DataDir:   filepath.Join(dir, "ipam"),
	}
}
