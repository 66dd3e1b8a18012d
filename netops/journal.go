package netops

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Entry is one line of a scope's journal: something lab is about to create,
// or a name it claims for the lesson. It is written and synced before the
// kernel object exists, so a crash at any point leaves a journal that knows
// at least everything that exists.
type Entry struct {
	Kind  string `json:"kind"`            // "netns", "claim-netns", "link", "nft-table", "process"
	Netns string `json:"netns,omitempty"` // real namespace holding a link, table or process
	Name  string `json:"name"`            // real name of the object (a process: its job name)
	Pid   int    `json:"pid,omitempty"`   // a process, once started
	Start uint64 `json:"start,omitempty"` // its start time in clock ticks, so a reused pid is not killed
	// Made lists folders that did not exist when an IPAM folder was claimed
	// (/var/lib/cni, /var/lib/cni/networks): reset removes them when empty.
	Made []string `json:"made,omitempty"`
	// Token is a random mark in a process's environment, journaled before
	// it starts: only a process carrying it is lab's, whatever else it says.
	Token string `json:"token,omitempty"`
}

const (
	KindNetns      = "netns"
	KindClaimNetns = "claim-netns"
	KindLink       = "link"
	KindNftTable   = "nft-table"
	KindProcess    = "process"
	KindIPAMDir    = "ipam-dir" // host-local's folder of a network, claimed by name
	KindMadeDir    = "made-dir" // a folder lab made on the machine (a mount point): removed when empty
)

func (s *Scope) journalPath() string { return filepath.Join(s.StateDir, "journal") }

// Record appends an entry to the journal and syncs it to disk before
// returning; callers create the object only after Record succeeded.
func (s *Scope) Record(e Entry) error {
	if err := os.MkdirAll(s.StateDir, 0o755); err != nil {
		return fmt.Errorf("create state dir of scope %q: %w", s.Name, err)
	}
	f, err := os.OpenFile(s.journalPath(), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open journal of scope %q: %w", s.Name, err)
	}
	defer f.Close()
	line, _ := json.Marshal(e)
	if _, err := f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("write journal of scope %q: %w", s.Name, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync journal of scope %q: %w", s.Name, err)
	}
	return nil
}

// Journal reads every entry in the order written. A torn last line (a crash
// in the middle of a write) is ignored: the object it names was never made.
func (s *Scope) Journal() ([]Entry, error) {
	f, err := os.Open(s.journalPath())
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open journal of scope %q: %w", s.Name, err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.Name != "" {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}

// Owns reports whether the journal names a namespace as this scope's.
func (s *Scope) Owns(netnsName string) (bool, error) {
	entries, err := s.Journal()
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if (e.Kind == KindNetns || e.Kind == KindClaimNetns) && e.Name == netnsName {
			return true, nil
		}
	}
	return false, nil
}
