package engine

import (
	"os"
	"sort"
	"strings"

	"github.com/cnilab/lab/assets"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/rootless"
)

// A non-root user's labs live in a user namespace of their own, held by a
// process every command joins (netops/rootless).

// RootlessInside reports whether this command runs inside the user's
// holder, as the namespace's root.
func RootlessInside() bool { return rootless.Inside() }

// RootlessJoin replaces this process with the same command run inside the
// user's holder, started first when none runs. It returns only on error.
func RootlessJoin(args []string) error { return rootless.Join(args) }

// RootlessStarted is what a command started inside the holder does first
// (rootless.Started).
func RootlessStarted() { rootless.Started() }

// RootlessEnter is Join's second step (`lab userns-enter -- ARGS`): it
// runs lab ARGS in the holder's pid namespace and returns its exit status.
func RootlessEnter(args []string) (int, error) { return rootless.Enter(args) }

// RootlessHold is the holder itself (`lab userns-hold DIR`).
func RootlessHold(dir string) error { return rootless.Hold(dir) }

// RootlessHoldRun is a one-shot holder: it runs argv inside and ends with
// it (`lab userns-hold --run -- ARGV`, for the tests).
func RootlessHoldRun(argv []string) (int, error) { return rootless.HoldRun(argv) }

// RootlessStop runs args inside the user's holder, then ends it; it
// reports whether one was running.
func RootlessStop(args []string) (bool, error) { return rootless.Stop(args) }

// RootlessFindings are the machine settings that keep a non-root user out
// of user namespaces, each with its fix.
func RootlessFindings() []rootless.Finding { return rootless.Why() }

// ResetAll resets every scope there is, as `lab reset --scope S` would
// each, and returns what was removed, scope by scope.
func ResetAll() (map[string][]string, error) {
	entries, err := os.ReadDir(netops.StateRoot)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	out := map[string][]string{}
	for _, name := range names {
		sess, err := Open(Options{Scope: name, Who: "lab stop"})
		if err != nil {
			return out, err
		}
		removed, err := sess.Reset()
		sess.Close()
		out[name] = removed
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// AppArmorProfile is the AppArmor profile that lets the lab binary at bin
// make user namespaces where Ubuntu restricts them.
func AppArmorProfile(bin string) string {
	return strings.ReplaceAll(assets.AppArmorProfile, "@LAB@", bin)
}

// rootlessFindings are doctor's lines on rootless labs: inside one, what
// it is and what a single-id mapping cannot do; outside, not root, why
// user namespaces are not allowed, each with its fix.
func rootlessFindings() []Finding {
	if !rootless.Inside() {
		if os.Geteuid() == 0 {
			return nil
		}
		var out []Finding
		for _, f := range rootless.Why() {
			out = append(out, Finding{What: f.What, Detail: f.Detail, Fix: f.Fix, Required: true})
		}
		return out
	}
	m := rootless.Mapping()
	out := []Finding{{What: "rootless lab", OK: true, Required: true,
		Detail: "your labs live in a user namespace of your own (" + m.Describe() + "); nothing reaches the machine"}}
	f := Finding{What: "rootless: subordinate ids", OK: m.Subordinate, Required: false}
	if m.Subordinate {
		f.Detail = "tcpdump and other tools that drop root to a user of their own work"
	} else {
		f.Detail = "only your own id is mapped: tcpdump cannot drop root to its user (use lab capture NETNS IFACE, which prints the same lines)"
		f.Fix = "sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $USER; sudo apt-get install -y uidmap; then lab stop"
	}
	return append(out, f)
}
