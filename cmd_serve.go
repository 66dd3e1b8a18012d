package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

func (a *app) serveCmd() *cobra.Command {
	var port int
	c := &cobra.Command{
		Use:   "serve [--port 80]",
		Short: "Serve the lab's demo page in the current network namespace",
		Long: `Serve the lab's demo page on every IPv4 address of the current network namespace: the
"nginx" of the articles. Run it inside a namespace to make a web container:
  ip netns exec web lab serve --port 80 &`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return serve(port)
		},
	}
	c.Flags().IntVar(&port, "port", 80, "TCP port to listen on")
	return c
}

// serve answers every GET with the demo page until SIGTERM or SIGINT.
func serve(port int) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	err := engine.Serve(ctx, port, func() {
		fmt.Fprintf(os.Stderr, "lab serve: listening on port %d\n", port)
	})
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	return nil
}
