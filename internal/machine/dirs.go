package machine

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/cnilab/lab/netops/ns"
	"golang.org/x/sys/unix"
)

// Dir is a folder of the machine's filesystem that lab writes under. The
// fingerprint lists every path below it and every mount point at or below it.
type Dir struct {
	Path string
	What string // how its paths are named: "path added: named netns /run/netns/x"
	// MayAppear allows the folder itself to appear, empty, and to be a mount
	// point of its own: the convention of its owner, such as iproute2's
	// first `ip netns add`, which creates /run/netns and bind-mounts it onto
	// itself to make it shared. What it holds is still compared entry by
	// entry, so a namespace, a mount or a file left in it shows.
	MayAppear bool
}

// Dirs are the folders the guard watches on the machine.
var Dirs = []Dir{
	{Path: "/run/netns", What: "named netns", MayAppear: true},
	{Path: "/run/cnilab", What: "lab state", MayAppear: true},
	// lab never writes the machine's CNI state: its own lives in the state
	// dir, and what a learner's hand-run plugin writes there, reset removes,
	// with the folders the claim found missing.
	{Path: "/var/lib/cni", What: "CNI state"},
	// A scope's containerd keeps everything in its state dir; /run/containerd
	// is its mount point, made when the machine has none and removed again.
	{Path: "/run/containerd", What: "containerd state"},
	// containerd's CRI plugin makes /etc/cni/net.d when it starts: the
	// scope's containerd runs without it.
	{Path: "/etc/cni", What: "CNI config"},
	{Path: "/var/lib/containerd", What: "containerd store"},
}

// dirLines lists every path under d, sorted, with d itself only when it may
// not appear by convention (or is not a folder).
func dirLines(d Dir) []string {
	var out []string
	filepath.WalkDir(d.Path, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if p == d.Path && d.MayAppear && e.IsDir() {
			return nil
		}
		out = append(out, p)
		return nil
	})
	sort.Strings(out)
	return out
}

// mountLines lists the mount points at or under the watched folders as
// "POINT (FSTYPE)", from the caller's mount namespace. A folder that may
// appear may also be a mount point of itself.
func mountLines(dirs []Dir) []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return []string{"cannot read /proc/self/mountinfo: " + err.Error()}
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		// id parent major:minor root point options [optional...] - fstype source super
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		point := ns.UnescapeMountPath(fields[4])
		if !visible(fields[0], point) {
			continue
		}
		fstype := ""
		for i, f := range fields {
			if f == "-" && i+1 < len(fields) {
				fstype = fields[i+1]
				break
			}
		}
		for _, d := range dirs {
			if point == d.Path && d.MayAppear {
				break
			}
			if point == d.Path || strings.HasPrefix(point, d.Path+"/") {
				out = append(out, point+" ("+fstype+")")
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// visible reports whether the mount with that id is what point shows: in
// a rootless lab, the machine's own mounts under /run are copied into its
// mount namespace and covered by its /run, where no path reaches them.
func visible(id, point string) bool {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, point, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_MNT_ID, &st); err != nil {
		return !errors.Is(err, unix.ENOENT) // no path shows it; else, cannot tell: list it
	}
	if st.Mask&unix.STATX_MNT_ID == 0 {
		return true
	}
	return strconv.FormatUint(st.Mnt_id, 10) == id
}
