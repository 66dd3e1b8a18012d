package rootless

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
)

// idRange is a user's subordinate range: its first outer id and size.
type idRange struct{ outer, count string }

// subordinateIDs are the user's ranges in /etc/subuid and /etc/subgid,
// when newuidmap and newgidmap (Debian's uidmap) are there to map them.
func subordinateIDs() (uids, gids idRange, ok bool) {
	if _, err := exec.LookPath("newuidmap"); err != nil {
		return uids, gids, false
	}
	if _, err := exec.LookPath("newgidmap"); err != nil {
		return uids, gids, false
	}
	names := []string{strconv.Itoa(os.Getuid())}
	if u, err := user.LookupId(names[0]); err == nil {
		names = append(names, u.Username)
	}
	uids, okU := findRange("/etc/subuid", names)
	gids, okG := findRange("/etc/subgid", names)
	return uids, gids, okU && okG
}

// findRange is the first line "NAME:START:COUNT" of file for one of names.
func findRange(file string, names []string) (idRange, bool) {
	f, err := os.Open(file)
	if err != nil {
		return idRange{}, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(strings.TrimSpace(sc.Text()), ":")
		if len(p) != 3 {
			continue
		}
		for _, n := range names {
			if p[0] == n {
				if c, err := strconv.Atoi(p[2]); err == nil && c > 0 {
					return idRange{outer: p[1], count: p[2]}, true
				}
			}
		}
	}
	return idRange{}, false
}

// Finding is one thing doctor says about rootless labs: what, whether it
// is fine, and the fix when it is not.
type Finding struct {
	What, Detail, Fix string
	OK                bool
}

// Why are the machine settings that keep a non-root user out of user
// namespaces, each with its fix; none when they are allowed. They are the
// knobs Debian, upstream Linux and Ubuntu have.
func Why() []Finding {
	var out []Finding
	if v, ok := readInt("/proc/sys/kernel/unprivileged_userns_clone"); ok && v == 0 {
		out = append(out, Finding{What: "kernel.unprivileged_userns_clone = 0",
			Detail: "this kernel (Debian's patch) lets only root make user namespaces",
			Fix:    "sudo sysctl -w kernel.unprivileged_userns_clone=1 (and in /etc/sysctl.d/ to keep it)"})
	}
	if v, ok := readInt("/proc/sys/user/max_user_namespaces"); ok && v == 0 {
		out = append(out, Finding{What: "user.max_user_namespaces = 0",
			Detail: "no user namespace may be made on this machine",
			Fix:    "sudo sysctl -w user.max_user_namespaces=15000 (and in /etc/sysctl.d/ to keep it)"})
	}
	if v, ok := readInt("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"); ok && v == 1 {
		self, _ := os.Executable()
		out = append(out, Finding{What: "kernel.apparmor_restrict_unprivileged_userns = 1",
			Detail: "Ubuntu's AppArmor lets only programs with a profile that allows it make user namespaces",
			Fix:    "lab apparmor-profile | sudo tee /etc/apparmor.d/cnilab && sudo apparmor_parser -r /etc/apparmor.d/cnilab  (a profile for " + self + ")"})
	}
	return out
}

// Unavailable explains, after a holder failed to start, the settings that
// keep user namespaces away, or says nothing.
func Unavailable() string {
	why := Why()
	if len(why) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nuser namespaces are not allowed here:")
	for _, f := range why {
		b.WriteString("\n  " + f.What + ": " + f.Detail + "\n    fix: " + f.Fix)
	}
	b.WriteString("\nor run lab as root (sudo lab ...)")
	return b.String()
}

func readInt(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return v, err == nil
}

// IDMapping is how the holder maps ids, as its uid_map says.
type IDMapping struct {
	Size        int  // ids mapped in all
	Subordinate bool // more than the user's own (newuidmap)
}

// Mapping reads this process's user namespace's uid_map.
func Mapping() IDMapping {
	b, _ := os.ReadFile("/proc/self/uid_map")
	var m IDMapping
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if f := strings.Fields(l); len(f) == 3 {
			n, _ := strconv.Atoi(f[2])
			m.Size += n
		}
	}
	m.Subordinate = m.Size > 1
	return m
}

// Describe says it in a few words.
func (m IDMapping) Describe() string {
	if m.Subordinate {
		return fmt.Sprintf("root is you, and %d subordinate ids from /etc/subuid", m.Size-1)
	}
	return "root is you, the only id mapped"
}
