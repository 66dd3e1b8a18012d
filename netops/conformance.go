package netops

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cnilab/lab/netops/cni"
	"github.com/cnilab/lab/netops/ns"
)

// Conformance runs the CNI conformance battery against the plugin a config
// of the scope's config dir names (whatever is installed under that name in
// the scope's CNI_PATH, a learner's bash script included), in a pod
// namespace made for it and removed after it. The namespace is journaled
// first, so a crash in the middle leaves nothing reset does not know.
func (s *Scope) Conformance(confFile string) ([]cni.Verdict, error) {
	conf, err := os.ReadFile(filepath.Join(s.ConfDir(), confFile))
	if err != nil {
		return nil, fmt.Errorf("read the network config %s: %w", confFile, err)
	}
	pod := s.Netns("cni-conformance")
	if ns.Exists(pod) {
		if owned, _ := s.Owns(pod); !owned {
			return nil, foreignNetns(pod)
		}
		s.forget(pod)
		ns.Delete(pod)
	}
	if err := s.Record(Entry{Kind: KindNetns, Name: pod}); err != nil {
		return nil, err
	}
	if err := ns.Create(pod); err != nil {
		return nil, err
	}
	if err := setDefaults(pod); err != nil {
		return nil, err
	}
	defer func() {
		s.forget(pod)
		ns.Delete(pod)
	}()
	up := true
	if _, err := (LinkSet{Netns: "cni-conformance", Name: "lo", Up: &up}).Apply(s); err != nil {
		return nil, err
	}
	return s.CNIRuntime().Conformance(conf, pod), nil
}
