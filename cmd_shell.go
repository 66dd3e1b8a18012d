package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/ns"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func (a *app) shellCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "shell [NETNS] [-- COMMAND...]",
		Short: "A shell inside the lab's host (or inside NETNS)",
		Long: `Open a shell in the lab's host namespace (or in NETNS, a lesson namespace such as
client), entering only the network namespace, as nsenter --net does: your own
"ip netns add" works there as on a real host. With a command after --, run it
there instead. Without a terminal, the shell reads commands from stdin:
  sudo lab script veth | sudo lab shell`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requirePrivileges("shell"); err != nil {
				return err
			}
			s, err := a.scopeOf()
			if err != nil {
				return err
			}
			target := netops.HostNetns
			rest := args
			if dash := cmd.ArgsLenAtDash(); dash >= 0 {
				if dash > 1 {
					return &exitError{code: 2, msg: "lab shell takes at most one namespace before --"}
				}
				if dash == 1 {
					target = args[0]
				}
				rest = args[dash:]
			} else if len(args) == 1 {
				target, rest = args[0], nil
			} else if len(args) > 1 {
				return &exitError{code: 2, msg: "lab shell: put the command after --, as in: lab shell client -- ip addr"}
			}
			if !s.Exists() {
				return &exitError{code: 2, msg: fmt.Sprintf("scope %q is not set up: run `lab task LESSON` first", s.Name)}
			}
			real := s.Netns(target)
			if !ns.Exists(real) {
				return &exitError{code: 2, msg: fmt.Sprintf("netns %q does not exist in scope %q", real, s.Name)}
			}
			argv, err := shellArgv(s, real, rest)
			if err != nil {
				return err
			}
			return netops.ExecIn(real, argv, a.shellEnv(s, real))
		},
	}
}

// shellArgv is the command to exec: the given one, or bash, with a prompt
// that names the namespace when it talks to a terminal.
func shellArgv(s *netops.Scope, real string, rest []string) ([]string, error) {
	if len(rest) > 0 {
		path, err := exec.LookPath(rest[0])
		if err != nil {
			return nil, &exitError{code: 2, msg: fmt.Sprintf("command %q not found", rest[0])}
		}
		return append([]string{path}, rest[1:]...), nil
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		return nil, &exitError{code: 2, msg: "bash not found"}
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return []string{bash, "-s"}, nil
	}
	rc := filepath.Join(s.StateDir, "bashrc")
	body := fmt.Sprintf(`[ -f /etc/bash.bashrc ] && . /etc/bash.bashrc
[ -f ~/.bashrc ] && . ~/.bashrc
PS1='\[\e[1;36m\][%s]\[\e[0m\] \w\$ '
echo "lab shell: you are in netns %s (HOST_IP=$HOST_IP, CNI_PATH=$CNI_PATH). exit or ctrl-d to leave."
`, real, real)
	if err := os.WriteFile(rc, []byte(body), 0o644); err != nil {
		return nil, fmt.Errorf("write %s: %w", rc, err)
	}
	return []string{bash, "--rcfile", rc, "-i"}, nil
}

// shellEnv is the environment of lab shell: the values the task names
// (HOST_IP, CNI_PATH, PAUSE_PID, ...) as `lab task --env` prints them, and
// lab itself on PATH, so the articles' commands work as written.
func (a *app) shellEnv(s *netops.Scope, real string) []string {
	env := append(os.Environ(), "LAB_SCOPE="+s.Name, "LAB_NETNS="+real,
		"HOST_IP="+netops.HostIP, "CNI_PATH="+s.PluginDir(), "LAB_NETD="+s.ConfDir())
	if id := s.Lesson(); id != "" {
		if l, err := a.lesson(id); err == nil {
			for _, kv := range l.EnvVars(s) {
				env = append(env, kv[0]+"="+kv[1])
			}
		}
	}
	if bin, err := netops.LabBinary(); err == nil {
		env = append(env, "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
	}
	return env
}
