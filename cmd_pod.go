package main

import (
	"fmt"
	"strings"

	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

func (a *app) podCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "pod add|del NODE NAME",
		Short: "Add or remove a pod on a cluster node, as its kubelet and runtime do",
		Long: `On a node of a cluster lesson (lab task nodes), lab pod add makes a network
namespace for the pod and runs the first config of the node's /etc/cni/net.d (in the
order a runtime sorts them) with CNI_PATH=/opt/cni/bin, through libcni: ADD with the
pod's name as container id and eth0 as interface. lab pod del runs DEL, then removes
the namespace.`,
		Args: cobra.NoArgs,
	}
	run := func(verb string) *cobra.Command {
		return &cobra.Command{
			Use:   verb + " NODE NAME",
			Short: map[string]string{"add": "ADD a pod on a node", "del": "DEL a pod from a node"}[verb],
			Args:  cobra.ExactArgs(2),
			RunE: func(cmd *cobra.Command, args []string) error {
				sess, err := a.session("pod", strings.Join(append([]string{"lab pod", verb}, args...), " "))
				if err != nil {
					return err
				}
				defer sess.Close()
				var res engine.PodResult
				if verb == "add" {
					res, err = sess.PodAdd(args[0], args[1])
				} else {
					res, err = sess.PodDel(args[0], args[1])
				}
				if err != nil {
					return &exitError{code: 1, msg: err.Error()}
				}
				if verb == "add" {
					fmt.Printf("pod %s on node %s: netns %s, eth0 %s (config %s)\n", res.Pod, res.Node, res.Netns, strings.Join(res.Outcome.ParsedIPs, " "), res.Config)
				} else {
					fmt.Printf("pod %s removed from node %s (config %s)\n", res.Pod, res.Node, res.Config)
				}
				return nil
			},
		}
	}
	c.AddCommand(run("add"), run("del"))
	return c
}

func (a *app) podCNICmd() *cobra.Command {
	return &cobra.Command{
		Use:    "pod-cni CMD NODE-NETNS POD=NETNS-PATH...",
		Short:  "Run a node's pod network config (lab pod runs it inside the node)",
		Hidden: true,
		Args:   cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			return engine.PodCNI(args[0], args[1], args[2:])
		},
	}
}
