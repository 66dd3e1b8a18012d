package engine

import (
	"context"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/mycni"
)

// PluginName is the name under which the lab binary is the project's own
// CNI plugin (installed in a CNI_PATH as my-cni-demo, article 000's plugin).
const PluginName = mycni.Name

// PluginMain runs lab as that CNI plugin: CNI_COMMAND and the config on
// stdin in, the result or a CNI error on stdout; it exits.
func PluginMain() { mycni.Main() }

// Pause holds the current network namespace until a signal ends it, as a
// pod's pause container does.
func Pause() error { return netops.Pause() }

// Serve serves the lab's demo page in the process's network namespace until
// ctx ends; ready is called once the port listens.
func Serve(ctx context.Context, port int, ready func()) error { return netops.Serve(ctx, port, ready) }

// NodeHold holds a node's own mount and UTS namespaces, its /etc/cni,
// /opt/cni and /var/lib/cni, until a signal ends it (netops.NodeHold).
func NodeHold(name, dir string) error { return netops.NodeHold(name, dir) }

// CtrdHold runs a scope's containerd in the mount namespace it was started
// in (netops.CtrdHold).
func CtrdHold(dir string) error { return netops.CtrdHold(dir) }
