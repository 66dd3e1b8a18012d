package netops

import (
	"fmt"
	"os"
	"path/filepath"
)

// PluginDir is the scope's CNI_PATH: links to lab's reference plugins, and
// what the learner installs (their own my-cni-demo), one folder per scope
// so that one scope's plugin never shadows another's.
func (s *Scope) PluginDir() string { return filepath.Join(s.StateDir, "cni-bin") }

// linkPlugins links every plugin of lab's folder into the scope's.
func (s *Scope) linkPlugins() error {
	src := CNIPluginDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		return nil // no plugins built: lab doctor says so; CNI lessons fail clearly
	}
	dst := s.PluginDir()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("create CNI_PATH %s: %w", dst, err)
	}
	for _, e := range entries {
		link := filepath.Join(dst, e.Name())
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		if err := os.Symlink(filepath.Join(src, e.Name()), link); err != nil {
			return fmt.Errorf("link plugin %s into %s: %w", e.Name(), dst, err)
		}
	}
	return nil
}

// InstallPlugin installs the lab binary as a CNI plugin of the scope: lab
// is the project's own plugin when it runs as my-cni-demo.
//
// Equivalent to: `ln -sf $(command -v lab) $CNI_PATH/my-cni-demo`
type InstallPlugin struct {
	Name string `yaml:"name"`
}

func (o InstallPlugin) Commands(r Resolver) []string {
	return []string{"ln -sf $(command -v lab) " + filepath.Join(scopeOf(r).PluginDir(), o.Name)}
}

func (o InstallPlugin) Namespaces() []string { return nil }

func (o InstallPlugin) Validate() error {
	if o.Name == "" || o.Name != filepath.Base(o.Name) {
		return fmt.Errorf("install_plugin: a plugin file name is required, got %q", o.Name)
	}
	return nil
}

func (o InstallPlugin) Apply(s *Scope) ([]Note, error) {
	bin, err := LabBinary()
	if err != nil {
		return nil, fmt.Errorf("install plugin %s: %w", o.Name, err)
	}
	if err := os.MkdirAll(s.PluginDir(), 0o755); err != nil {
		return nil, err
	}
	link := filepath.Join(s.PluginDir(), o.Name)
	os.Remove(link)
	if err := os.Symlink(bin, link); err != nil {
		return nil, fmt.Errorf("install plugin %s in %s: %w", o.Name, s.PluginDir(), err)
	}
	return nil, nil
}

// RemovePlugin takes a plugin out of the scope's CNI_PATH (a scenario's
// missing plugin); one already gone is no error. Only the scope's own
// folder is touched: lab's plugins stay where they are.
//
// Equivalent to: `rm -f $CNI_PATH/bridge`
type RemovePlugin struct {
	Name string `yaml:"name"`
}

func (o RemovePlugin) Commands(r Resolver) []string {
	return []string{"rm -f " + filepath.Join(scopeOf(r).PluginDir(), o.Name)}
}

func (o RemovePlugin) Namespaces() []string { return nil }

func (o RemovePlugin) Validate() error {
	if o.Name == "" || o.Name != filepath.Base(o.Name) {
		return fmt.Errorf("remove_plugin: a plugin file name is required, got %q", o.Name)
	}
	return nil
}

func (o RemovePlugin) Apply(s *Scope) ([]Note, error) {
	p := filepath.Join(s.PluginDir(), o.Name)
	if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("remove plugin %s: %w", p, err)
	}
	return nil, nil
}
