package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/cni"
	"github.com/spf13/cobra"
)

// finding is one line of `lab doctor`: what was looked at, whether it is
// there, and the fix when it is not.
type finding struct {
	What     string `json:"what"`
	OK       bool   `json:"ok"`
	Detail   string `json:"detail,omitempty"`
	Fix      string `json:"fix,omitempty"`
	Required bool   `json:"required"`
}

func (a *app) doctorCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "doctor",
		Short: "What this machine has and lacks, each with the fix",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fs := diagnose(a)
			ok := true
			for _, f := range fs {
				ok = ok && (f.OK || !f.Required)
			}
			if asJSON {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				enc.Encode(map[string]any{"ok": ok, "findings": fs})
			} else {
				p := newPrinter(os.Stdout, 0)
				for _, f := range fs {
					mark := p.paint("32", "✓")
					if !f.OK {
						mark = p.paint(map[bool]string{true: "31", false: "33"}[f.Required], map[bool]string{true: "✗", false: "!"}[f.Required])
					}
					line := fmt.Sprintf("%s %s", mark, f.What)
					if f.Detail != "" {
						line += ": " + f.Detail
					}
					fmt.Println(line)
					if !f.OK && f.Fix != "" {
						fmt.Println("    fix: " + f.Fix)
					}
				}
			}
			if !ok {
				return checksFailed
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return c
}

func diagnose(a *app) []finding {
	var out []finding
	missing := missingCaps()
	priv := finding{What: "privileges (CAP_NET_ADMIN, CAP_SYS_ADMIN)", OK: len(missing) == 0, Required: true}
	if !priv.OK {
		priv.Detail = strings.Join(missing, ", ") + " missing"
		priv.Fix = "run lab with sudo"
	}
	out = append(out, priv)
	if priv.OK {
		for _, f := range netops.ProbeFeatures() {
			out = append(out, finding{What: "kernel: " + f.Name, OK: f.OK, Detail: f.Err, Fix: f.Fix, Required: f.Name != "vxlan"})
		}
	}
	for _, t := range []struct{ bin, pkg, why string }{
		{"ip", "iproute2", "the commands of every lesson"},
		{"nft", "nftables", "NAT rules typed by hand"},
		{"iptables", "iptables", "the articles' NAT rules typed by hand"},
		{"iptables-legacy", "iptables", "the legacy iptables backend"},
		{"ping", "iputils-ping", "pinging by hand in lab shell"},
		{"bash", "bash", "lab shell"},
	} {
		f := finding{What: "command " + t.bin + " (" + t.why + ")", OK: true, Required: t.bin == "ip" || t.bin == "bash"}
		if p, err := exec.LookPath(t.bin); err != nil {
			f.OK, f.Detail, f.Fix = false, "not found", "apt-get install -y "+t.pkg
		} else {
			f.Detail = p
		}
		out = append(out, f)
	}
	// VERSION of each plugin in lab's folder; it only prints JSON, and runs
	// in a sandbox host when the default scope has one.
	rt := &cni.Runtime{PluginDir: netops.CNIPluginDir(), HostNetns: netops.DefaultScope + "-" + netops.HostNetns}
	for _, p := range rt.Plugins() {
		f := finding{What: "CNI plugin " + p.Name, OK: p.Err == "", Required: true}
		if p.Err != "" {
			f.Detail, f.Fix = p.Err, "make build (builds the reference plugins into bin/cni)"
		} else {
			f.Detail = p.Path + " (" + strings.Join(p.Versions, ", ") + ")"
		}
		out = append(out, f)
	}
	cat, err := a.catalog()
	if err != nil {
		return append(out, finding{What: "lessons", Detail: err.Error(), Fix: "fix the lesson file named above", Required: true})
	}
	out = append(out, finding{What: fmt.Sprintf("lessons (%d)", len(cat.Lessons)), OK: true, Required: true})
	if s, err := a.scopeOf(); err == nil && priv.OK {
		busy := finding{What: "scope " + s.Name + " is free", OK: true}
		if who := s.Busy(); who != "" {
			busy = finding{What: "scope " + s.Name + " is free", Detail: "held by " + who, Fix: "wait for it, or use another --scope"}
		}
		out = append(out, busy)
		for _, l := range cat.Lessons {
			if taken := s.Foreign(l.Namespaces, l.IPAMNetworks); len(taken) > 0 {
				out = append(out, finding{What: "lesson " + l.ID + " can claim its names in scope " + s.Name,
					Detail: strings.Join(taken, ", ") + " exist and were not made by lab",
					Fix:    "remove them if nothing uses them (ip netns del NAME, rm -r FOLDER), or use another --scope"})
			}
		}
	}
	return out
}
