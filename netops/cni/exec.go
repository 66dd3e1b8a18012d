package cni

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/containernetworking/cni/pkg/invoke"
	"github.com/containernetworking/cni/pkg/types"
	"github.com/containernetworking/cni/pkg/version"
)

// Exec is one plugin process libcni started: its CNI_* environment, its
// stdin, its stdout and stderr.
//
// Equivalent to: `CNI_COMMAND=ADD ... bin/cni/bridge < stdin > stdout 2> stderr`
type Exec struct {
	Plugin string   // the plugin type, e.g. "bridge"
	Path   string   // the binary found in CNI_PATH
	Env    []string // the CNI_* variables, in the order of the hand command
	Stdin  []byte   // the config it got
	Stdout []byte   // the result, the error JSON or the version report
	Stderr string   // its log lines
}

// recorder is the invoke.Exec libcni runs plugins with: it runs them as
// invoke.RawExec does and keeps each process's environment and stdio for
// the learner. ExecPlugin forks from the calling goroutine's thread, so a
// call made inside ns.Do starts the plugin in that thread's namespace.
type recorder struct {
	version.PluginDecoder
	execs []Exec
}

var _ invoke.Exec = (*recorder)(nil)

// cniEnvOrder is the order of the CNI_* variables in Env and in the hand
// command.
var cniEnvOrder = []string{"CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH"}

// ExecPlugin runs the plugin with stdinData on stdin and environ as its
// environment; a failure is returned as the plugin's CNI error.
func (r *recorder) ExecPlugin(ctx context.Context, pluginPath string, stdinData []byte, environ []string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	var err error
	for attempt := 0; attempt <= 5; attempt++ {
		stdout.Reset()
		stderr.Reset()
		c := exec.CommandContext(ctx, pluginPath)
		c.Env = environ
		c.Stdin = bytes.NewReader(stdinData)
		c.Stdout = &stdout
		c.Stderr = &stderr
		err = c.Run()
		// A plugin binary being written is busy for a moment: retry, as
		// libcni's RawExec does.
		if err == nil || !strings.Contains(err.Error(), "text file busy") {
			break
		}
		time.Sleep(time.Second)
	}
	r.execs = append(r.execs, Exec{
		Plugin: filepath.Base(pluginPath),
		Path:   pluginPath,
		Env:    cniEnv(environ),
		Stdin:  append([]byte(nil), stdinData...),
		Stdout: append([]byte(nil), stdout.Bytes()...),
		Stderr: stderr.String(),
	})
	if err != nil {
		return nil, pluginErr(err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.Bytes(), nil
}

// FindInPath looks the plugin up in CNI_PATH, as libcni does.
func (r *recorder) FindInPath(plugin string, paths []string) (string, error) {
	return invoke.FindInPath(plugin, paths)
}

// pluginErr is the CNI error a failed plugin printed on stdout, or one
// made from its stderr when it printed none (as invoke.RawExec does).
func pluginErr(err error, stdout, stderr []byte) error {
	e := &types.Error{}
	switch {
	case len(stdout) == 0 && len(stderr) == 0:
		e.Msg = fmt.Sprintf("netplugin failed with no error message: %v", err)
	case len(stdout) == 0:
		e.Msg = fmt.Sprintf("netplugin failed: %q: %v", string(stderr), err)
	default:
		if perr := json.Unmarshal(stdout, e); perr != nil {
			e.Msg = fmt.Sprintf("netplugin failed but error parsing its diagnostic message %q: %v", string(stdout), perr)
		}
	}
	return e
}

// cniEnv keeps the CNI_* variables of a plugin's environment, in the order
// of the hand command, leaving out empty ones.
func cniEnv(environ []string) []string {
	vals := map[string]string{}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(k, "CNI_") {
			vals[k] = v
		}
	}
	var env []string
	for _, k := range cniEnvOrder {
		if v := vals[k]; v != "" {
			env = append(env, k+"="+v)
		}
		delete(vals, k)
	}
	var rest []string
	for k, v := range vals {
		if v != "" {
			rest = append(rest, k+"="+v)
		}
	}
	sort.Strings(rest)
	return append(env, rest...)
}
