package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/cnilab/lab/assets"
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
	ln, err := net.Listen("tcp4", ":"+strconv.Itoa(port))
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("serve on port %d: %v", port, err)}
	}
	host, _ := os.Hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Served-By", "cnilab on "+host)
		w.Write(assets.IndexHTML)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	fmt.Fprintf(os.Stderr, "lab serve: listening on port %d\n", port)
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}
