// Package procfs reads a process's /proc/PID/stat: whether it runs, its
// parent, and when it started, which with the pid names one process for
// good (a pid is reused).
package procfs

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// fields are the fields of /proc/PID/stat after the command name (which
// may hold spaces): state is the first; nil when pid is gone.
func fields(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(b[i+1:]))
}

// Alive reports whether pid runs (a zombie does not count).
func Alive(pid int) bool {
	f := fields(pid)
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// StartTime is field 22 of /proc/PID/stat: when the process started, in
// clock ticks since boot; 0 when pid is gone.
func StartTime(pid int) uint64 {
	f := fields(pid)
	if len(f) < 20 {
		return 0
	}
	v, _ := strconv.ParseUint(f[19], 10, 64)
	return v
}

// Parent is the pid of pid's parent, 0 when pid is gone (or its parent is
// outside pid's pid namespace).
func Parent(pid int) int {
	f := fields(pid)
	if len(f) < 2 {
		return 0
	}
	p, _ := strconv.Atoi(f[1])
	return p
}

// Child is a child of pid, found by looking at every process; 0 when it
// has none.
func Child(pid int) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if c, err := strconv.Atoi(e.Name()); err == nil && Parent(c) == pid {
			return c
		}
	}
	return 0
}
