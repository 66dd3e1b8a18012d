package netops

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cnilab/lab/netops/ns"
)

// Sysctl sets a kernel parameter inside a namespace. /proc/sys/net shows the
// namespace of the thread that opens it, so the write happens on a thread
// switched into the namespace.
//
// Equivalent to: `sysctl -w net.ipv4.ip_forward=1`
type Sysctl struct {
	Netns string `yaml:"netns"`
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
}

var sysctlKey = regexp.MustCompile(`^net\.[a-z0-9_.\-]+$`)

func (o Sysctl) Commands(r Resolver) []string {
	return []string{in(r, o.Netns, "sysctl -w "+o.Key+"="+o.Value)}
}

func (o Sysctl) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o Sysctl) Validate() error {
	if !sysctlKey.MatchString(o.Key) || strings.Contains(o.Key, "..") {
		return fmt.Errorf("sysctl %q: only net.* keys are per namespace", o.Key)
	}
	if o.Value == "" {
		return fmt.Errorf("sysctl %q: a value is required", o.Key)
	}
	return nil
}

func (o Sysctl) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	err := ns.Do(real, func() error {
		return os.WriteFile(sysctlPath(o.Key), []byte(o.Value), 0o644)
	})
	if err != nil {
		return nil, fmt.Errorf("set %s=%s in netns %q: %w", o.Key, o.Value, real, err)
	}
	return nil, nil
}

// ReadSysctl reads a kernel parameter of a namespace.
//
// Equivalent to: `ip netns exec NETNS sysctl -n KEY`
func ReadSysctl(real, key string) (string, error) {
	var v []byte
	err := ns.Do(real, func() (err error) {
		v, err = os.ReadFile(sysctlPath(key))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read %s in netns %q: %w", key, real, err)
	}
	return strings.TrimSpace(string(v)), nil
}

func sysctlPath(key string) string {
	return filepath.Join("/proc/sys", strings.ReplaceAll(key, ".", "/"))
}
