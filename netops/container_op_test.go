package netops

import (
	"strings"
	"testing"
)

// ctr task ls as ctr 1.6 prints it: a header, then a row per task.
func TestParseTasksUnit(t *testing.T) {
	out := "TASK          PID     STATUS    \nnginx_test    28693   RUNNING\npause_demo    28597   STOPPED\n"
	tasks := parseTasks(out)
	if len(tasks) != 2 {
		t.Fatalf("%d tasks, want 2: %v", len(tasks), tasks)
	}
	if got := tasks["nginx_test"]; got.Pid != 28693 || got.Status != "RUNNING" {
		t.Errorf("nginx_test: %+v", got)
	}
	if got := tasks["pause_demo"]; got.Status != "STOPPED" {
		t.Errorf("pause_demo: %+v", got)
	}
	if _, ok := tasks["TASK"]; ok {
		t.Errorf("the header was read as a task")
	}
	if s := tasks.String(); !strings.Contains(s, "pause_demo   28597    STOPPED") || !strings.HasPrefix(s, "TASK") {
		t.Errorf("String():\n%s", s)
	}
	if n := len(parseTasks("TASK PID STATUS\n")); n != 0 {
		t.Errorf("no tasks: got %d", n)
	}
}

// The scope's containerd keeps everything in its folder and runs no CRI
// plugin, which would make the machine's /etc/cni/net.d.
func TestContainerdConfigUnit(t *testing.T) {
	c := ContainerdConfig("/run/cnilab/t1/containerd")
	for _, want := range []string{
		`disabled_plugins = ["io.containerd.grpc.v1.cri"]`,
		`root = "/run/cnilab/t1/containerd/root"`,
		`state = "/run/containerd"`,
		`address = "/run/containerd/containerd.sock"`,
		`path = "/run/cnilab/t1/containerd/opt"`,
	} {
		if !strings.Contains(c, want) {
			t.Errorf("config lacks %s:\n%s", want, c)
		}
	}
	if strings.Contains(c, "/var/lib/containerd") {
		t.Errorf("config names the machine's /var/lib/containerd:\n%s", c)
	}
}
