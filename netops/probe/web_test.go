package probe

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/cnilab/lab/netops/ns"
)

// welcome is the page the test server answers on "/".
const welcome = "Welcome to cnilab!"

var webAddr = netip.MustParseAddrPort("10.0.0.12:80")

// webPair builds a client namespace (10.0.0.11/24 on "a") joined by a veth
// to a server namespace (10.0.0.12/24 on "b") with a web server on
// 10.0.0.12:80 answering welcome on "/" and 404 elsewhere.
func webPair(t *testing.T, tag string) (client, server string) {
	t.Helper()
	client, server = scratchNS(t, tag+"-c"), scratchNS(t, tag+"-s")
	vethPair(t, client, "a", server, "b")
	addrUp(t, client, "a", "10.0.0.11/24")
	addrUp(t, server, "b", "10.0.0.12/24")
	serveWeb(t, server, webAddr)
	return client, server
}

// serveWeb runs an HTTP server inside netns on addr until the test ends.
func serveWeb(t *testing.T, netns string, addr netip.AddrPort) {
	t.Helper()
	ln := listenIn(t, netns, addr)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, welcome)
	})
	srv := &http.Server{Handler: mux}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("web server in netns %q: %v", netns, err)
		}
	})
}

// listenIn opens a TCP listener on addr inside netns; the test closes it.
// Only the listening socket is made in the namespace (ns.Socket): the bind,
// the listen and the goroutines that accept on it run on any thread, and
// every connection they get belongs to the namespace too.
func listenIn(t *testing.T, netns string, addr netip.AddrPort) net.Listener {
	t.Helper()
	fd, err := ns.Socket(netns, unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		t.Fatalf("listen on %s in netns %q: %v", addr, netns, err)
	}
	err = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err == nil {
		err = unix.Bind(fd, &unix.SockaddrInet4{Port: int(addr.Port()), Addr: addr.Addr().As4()})
	}
	if err == nil {
		err = unix.Listen(fd, 128)
	}
	if err != nil {
		unix.Close(fd)
		t.Fatalf("listen on %s in netns %q: %v", addr, netns, err)
	}
	f := os.NewFile(uintptr(fd), "listen@"+netns)
	ln, err := net.FileListener(f)
	f.Close() // FileListener holds its own dup of the fd.
	if err != nil {
		t.Fatalf("wrap listener on %s in netns %q: %v", addr, netns, err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// hangUp accepts connections on addr inside netns, reads each request and
// closes without an answer, as a server that crashes on every request
// would. It reads first: closing with the request unread would send a RST.
func hangUp(t *testing.T, netns string, addr netip.AddrPort) {
	t.Helper()
	ln := listenIn(t, netns, addr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by the test's cleanup
			}
			http.ReadRequest(bufio.NewReader(c))
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
}
