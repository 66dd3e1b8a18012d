package netops

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/cnilab/lab/assets"
)

// largePage is /large: 256 KiB, so its segments fill whatever MTU the path
// allows. Small answers cross a PMTUD black hole; this one stalls in it,
// as a large page or an image pull does on a real node.
var largePage = sync.OnceValue(func() []byte {
	line := "Large page: cnilab sends full-size segments to prove the path's MTU.\n"
	b := bytes.Repeat([]byte(line), (256<<10)/len(line))
	return append(b, "end of the large page\n"...)
})

// Serve answers every GET with the lab's demo page (GET /large with
// largePage) on every IPv4 address of the process's network namespace,
// until ctx ends: the "nginx" of the articles. ready, when given, is called once the port listens.
//
// Equivalent to: `ip netns exec web nginx` (a web container's server)
func Serve(ctx context.Context, port int, ready func()) error {
	ln, err := net.Listen("tcp4", ":"+strconv.Itoa(port))
	if err != nil {
		return fmt.Errorf("serve on port %d: %w", port, err)
	}
	host, _ := os.Hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("/large", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Served-By", "cnilab on "+host)
		w.Write(largePage())
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Served-By", "cnilab on "+host)
		w.Write(assets.IndexHTML)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if ready != nil {
		ready()
	}
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}
