package procfs

import (
	"os"
	"os/exec"
	"testing"
)

// This process runs, has its parent and a start time; a child it starts is
// found as its child; a pid that is gone is none of that.
func TestStatUnit(t *testing.T) {
	self := os.Getpid()
	if !Alive(self) || Parent(self) != os.Getppid() || StartTime(self) == 0 {
		t.Errorf("self %d: alive %v, parent %d (want %d), start %d", self, Alive(self), Parent(self), os.Getppid(), StartTime(self))
	}
	cmd := exec.Command("sleep", "5")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if c := Child(self); c != cmd.Process.Pid {
		t.Errorf("Child(%d) = %d, want %d", self, c, cmd.Process.Pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if Alive(cmd.Process.Pid) || StartTime(cmd.Process.Pid) != 0 {
		t.Errorf("pid %d reaped, still alive or started", cmd.Process.Pid)
	}
}
