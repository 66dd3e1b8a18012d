package machine

import (
	"fmt"
	"slices"
)

// Diff lists what changed from a to b, one line each, in the order links,
// addresses, routes, policy rules, nftables, sysctls: "link added: ...",
// "route removed: ...", "sysctl net.ipv4.ip_forward: 0 -> 1". It is empty
// when the two are equal.
func (a Fingerprint) Diff(b Fingerprint) []string {
	var out []string
	out = append(out, diffLines("link", a.Links, b.Links)...)
	out = append(out, diffLines("address", a.Addrs, b.Addrs)...)
	out = append(out, diffLines("route", a.Routes, b.Routes)...)
	out = append(out, diffLines("policy rule", a.PolicyRules, b.PolicyRules)...)
	out = append(out, diffLines("iptables-legacy table", a.LegacyTables, b.LegacyTables)...)
	out = append(out, diffLines("path", a.Paths, b.Paths)...)
	out = append(out, diffLines("mount", a.Mounts, b.Mounts)...)
	out = append(out, diffLines("nftables", a.Rules, b.Rules)...)
	out = append(out, diffSysctls(a.Sysctls, b.Sysctls)...)
	return out
}

// diffLines merges the two sorted lists, so a line that changed shows as
// "removed" right before its "added" twin. It sorts copies: hand-made
// fingerprints need not be sorted.
func diffLines(what string, a, b []string) []string {
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	var out []string
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, what+" removed: "+a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, what+" added: "+b[j])
			j++
		default:
			i++
			j++
		}
	}
	return out
}

func diffSysctls(a, b map[string]string) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		va, ina := a[k]
		vb, inb := b[k]
		switch {
		case !inb:
			out = append(out, fmt.Sprintf("sysctl %s removed: %s", k, va))
		case !ina:
			out = append(out, fmt.Sprintf("sysctl %s added: %s", k, vb))
		case va != vb:
			out = append(out, fmt.Sprintf("sysctl %s: %s -> %s", k, va, vb))
		}
	}
	return out
}
