package ns_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/cnilab/lab/netops/ns"
)

// TestCreateLeavesNoThreadBehind creates and deletes namespaces many times
// and asserts no thread of this process is left inside one: a thread left
// there (Go cannot end the main thread) would keep a deleted namespace alive,
// with its links and the far ends of its veths.
func TestCreateLeavesNoThreadBehind(t *testing.T) {
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("needs root")
	}
	self, err := ns.Inode("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	created := map[uint64]string{}
	for i := 0; i < 30; i++ {
		name := fmt.Sprintf("nstest-%d-%d", os.Getpid(), i)
		if err := ns.Create(name); err != nil {
			t.Fatal(err)
		}
		ino, err := ns.Inode(ns.Path(name))
		if err != nil {
			t.Fatal(err)
		}
		created[ino] = name
		if err := ns.Delete(name); err != nil {
			t.Fatal(err)
		}
		if ns.Exists(name) {
			t.Fatalf("%s still mounted after Delete", name)
		}
	}
	tasks, _ := filepath.Glob("/proc/self/task/*/ns/net")
	for _, task := range tasks {
		ino, err := ns.Inode(task)
		if err != nil {
			continue // the thread ended meanwhile
		}
		if name, ok := created[ino]; ok {
			t.Errorf("thread %s is still inside deleted netns %s", task, name)
		} else if ino != self {
			t.Errorf("thread %s is in netns inode %d, not the process's own", task, ino)
		}
	}
}

func TestDoRestoresNamespace(t *testing.T) {
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("needs root")
	}
	name := fmt.Sprintf("nstest-do-%d", os.Getpid())
	if err := ns.Create(name); err != nil {
		t.Fatal(err)
	}
	defer ns.Delete(name)
	want, _ := ns.Inode(ns.Path(name))
	var inside uint64
	if err := ns.Do(name, func() (err error) {
		inside, err = ns.Inode("/proc/thread-self/ns/net")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if inside != want {
		t.Errorf("inside Do the thread was in inode %d, want %d", inside, want)
	}
	if err := ns.Do("nstest-missing", func() error { return nil }); err == nil {
		t.Error("Do in a missing netns succeeded")
	}
}

// TestSocketMissingNetnsUnit needs no root: a namespace that is not mounted
// is reported before any thread switches.
func TestSocketMissingNetnsUnit(t *testing.T) {
	name := fmt.Sprintf("nstest-missing-%d", os.Getpid())
	fd, err := ns.Socket(name, unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if fd != -1 || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Socket in a missing netns = %d, %v; want -1 and an error wrapping fs.ErrNotExist", fd, err)
	}
}
