package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/cnilab/lab/engine"
)

// Capabilities lab needs: CAP_NET_ADMIN for links, addresses, routes and
// nftables; CAP_SYS_ADMIN for setns and the bind mounts of named namespaces.
var needed = []struct {
	bit  uint
	name string
}{{12, "CAP_NET_ADMIN"}, {21, "CAP_SYS_ADMIN"}}

// requirePrivileges stops a command ("lab run") that changes or reads
// namespaces when the process lacks the capabilities, naming the ones
// missing.
//
// Run by a user who is not root, it does not stop: the command runs again,
// the same, inside that user's rootless lab (a user namespace of its own,
// engine.RootlessJoin), and this process becomes it.
func requirePrivileges(cmd string) error {
	missing := missingCaps()
	if len(missing) > 0 && mayJoin && os.Geteuid() != 0 && !engine.RootlessInside() {
		if err := engine.RootlessJoin(os.Args[1:]); err != nil {
			return &exitError{code: 2, msg: fmt.Sprintf("%s: %v", cmd, err)}
		}
	}
	return privilegesError(cmd, missing)
}

// privilegesError is the refusal of cmd for the capabilities missing, nil
// when none is.
func privilegesError(cmd string, missing []string) error {
	if len(missing) == 0 {
		return nil
	}
	verb := " are"
	if len(missing) == 1 {
		verb = " is"
	}
	return &exitError{code: 2, msg: fmt.Sprintf("%s needs root: %s%s missing (run it with sudo)", cmd, strings.Join(missing, " and "), verb)}
}

func missingCaps() []string {
	eff := effectiveCaps()
	var out []string
	for _, c := range needed {
		if eff&(1<<c.bit) == 0 {
			out = append(out, c.name)
		}
	}
	return out
}

func effectiveCaps() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "CapEff:"); ok {
			n, _ := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return n
		}
	}
	return 0
}
