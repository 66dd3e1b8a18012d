package nft

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/nftables"

	"github.com/cnilab/lab/netops/ns"
)

var nsSeq atomic.Int64

// kernelTest skips without root and, at the very end of the test (the first
// cleanup registered runs last), checks that the machine's own namespace
// saw no change: its ruleset, its table list read over netlink, ip_forward.
func kernelTest(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("needs root: creates network namespaces")
	}
	before := hostState(t)
	t.Cleanup(func() {
		if after := hostState(t); after != before {
			t.Errorf("the machine's own namespace changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

func hostState(t *testing.T) string {
	t.Helper()
	// -s: counters of the machine's own rules may move during the test.
	out, err := exec.Command("nft", "-s", "list", "ruleset").CombinedOutput()
	if err != nil {
		t.Fatalf("nft list ruleset (machine): %v\n%s", err, out)
	}
	c, err := nftables.New() // no netns: the machine's own, read only
	if err != nil {
		t.Fatal(err)
	}
	tables, err := c.ListTables()
	if err != nil {
		t.Fatalf("list tables (machine): %v", err)
	}
	var names []string
	for _, tb := range tables {
		names = append(names, familyName(tb.Family)+" "+tb.Name)
	}
	fwd, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s\ntables: %v\nip_forward: %s", out, names, fwd)
}

// scratchNS creates a namespace with a name no other test or run uses and
// deletes exactly that name when the test ends.
func scratchNS(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("nfttest-%d-%d", nsSeq.Add(1), os.Getpid())
	if err := ns.Create(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ns.Delete(name); err != nil {
			t.Error(err)
		}
	})
	return name
}

// run runs a command inside the namespace through `ip netns exec`.
func run(t *testing.T, netns string, args ...string) string {
	t.Helper()
	if netns == "" {
		t.Fatal("test bug: run without a namespace")
	}
	cmd := exec.Command("ip", append([]string{"netns", "exec", netns}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr // iptables-nft warnings go here, apart from the ruleset
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ip netns exec %s %s: %v\n%s%s", netns, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

func nftIn(t *testing.T, netns string, args ...string) string {
	t.Helper()
	return run(t, netns, append([]string{"nft"}, args...)...)
}

// bashIn runs command lines with bash inside the namespace, as a learner
// would after `ip netns exec NAME bash`.
func bashIn(t *testing.T, netns string, lines []string) {
	t.Helper()
	run(t, netns, "bash", "-e", "-c", strings.Join(lines, "\n"))
}

var (
	counterValues = regexp.MustCompile(`counter packets \d+ bytes \d+`)
	commentRE     = regexp.MustCompile(` comment "[^"]*"`)
	// nft prints a rule's user data where it would print a blank line.
	userdata = regexp.MustCompile(`(?m)^([ \t]*userdata = .*)?\n`)
	ruleHead = regexp.MustCompile(`(?m)^(\S+ \S+ \S+)(?: \d+)+$`)
)

// ruleset is `nft list ruleset` without the lab's comments, and, with
// --debug=netlink, the raw expressions nft sent or read, without user data
// and handles: two rulesets equal here are made of the same bytes.
func ruleset(t *testing.T, netns string) (text, raw string) {
	t.Helper()
	text = commentRE.ReplaceAllString(nftIn(t, netns, "list", "ruleset"), "")
	raw = nftIn(t, netns, "--debug=netlink", "list", "ruleset")
	raw = ruleHead.ReplaceAllString(userdata.ReplaceAllString(raw, ""), "$1")
	raw = commentRE.ReplaceAllString(raw, "")
	return text, raw
}

// nftLines turns `nft list ruleset` into the "table F T chain C: rule" lines
// Rules returns, to compare the two.
func nftLines(out string) []string {
	var lines []string
	var table, chain string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || l == "}" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "type "):
		case strings.HasPrefix(l, "table "):
			table = strings.TrimSuffix(l, " {")
		case strings.HasPrefix(l, "chain "):
			chain = strings.TrimSuffix(l, " {")
		default:
			// Rules prints a counter without its moving values.
			lines = append(lines, table+" "+chain+": "+counterValues.ReplaceAllString(l, "counter"))
		}
	}
	return lines
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("lines differ:\ngot:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
