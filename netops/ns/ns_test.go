package ns_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cnilab/lab/netops/ns"
)

// TestCreateLeavesNoThreadBehind creates and deletes namespaces many times
// and asserts no thread of this process is left inside one: a thread left
// there (Go cannot end the main thread) would keep a deleted namespace alive,
// with its links and the far ends of its veths.
func TestCreateLeavesNoThreadBehind(t *testing.T) {
	if os.Geteuid() != 0 {
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
	if os.Geteuid() != 0 {
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
