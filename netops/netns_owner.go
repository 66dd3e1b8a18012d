package netops

import (
	"fmt"
	"sort"

	"github.com/cnilab/lab/netops/ns"
)

// NetnsOwner is what makes a pod of a named namespace: whether the name is
// mounted, the namespace's inode, the process of a job and the inode of its
// own namespace, and every process living in the named one.
type NetnsOwner struct {
	Inode     uint64 // 0 when nothing is mounted at /run/netns/NAME
	PID       int    // the owner's process; 0 when it is not running
	PIDInode  uint64 // /proc/PID/ns/net
	Processes []string
}

// NetnsOwnerOf reads who holds a lesson namespace: the inode behind
// /run/netns/NAME, the netns inode of pid (a job's or a container's
// process, 0 for none), and the processes in the named namespace as "pid
// command", sorted.
//
// Equivalent to: `stat -L -c %i /run/netns/NAME /proc/$PID/ns/net`
func (s *Scope) NetnsOwnerOf(logical string, pid int) NetnsOwner {
	real := s.Netns(logical)
	o := NetnsOwner{PID: pid}
	if ino, err := ns.Inode(ns.Path(real)); err == nil {
		o.Inode = ino
	}
	if o.PID != 0 {
		if ino, err := ns.Inode(fmt.Sprintf("/proc/%d/ns/net", o.PID)); err == nil {
			o.PIDInode = ino
		}
	}
	if o.Inode != 0 {
		for pid := range ProcessesInNetns(map[uint64]bool{o.Inode: true}) {
			o.Processes = append(o.Processes, fmt.Sprintf("%d %s", pid, Cmdline(pid)))
		}
		sort.Strings(o.Processes)
	}
	return o
}

// NetnsInodeOf is the inode of a process's network namespace.
//
// Equivalent to: `stat -L -c %i /proc/PID/ns/net`
func NetnsInodeOf(pid int) (uint64, error) {
	return ns.Inode(fmt.Sprintf("/proc/%d/ns/net", pid))
}
