package probe

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultHTTPTimeout is how long HTTP waits when given no timeout, for the
// connect and the answer together: a web server in a lesson namespace is a
// process that has to be scheduled and write its page, not just a kernel
// answering a SYN.
const DefaultHTTPTimeout = time.Second

// maxBody is how much of an answer's body HTTP keeps: enough to show a
// learner the page and to look for a word in it.
const maxBody = 4 << 10

// maxDrain bounds how much more of a body HTTP reads and drops.
const maxDrain = 16 << 20

// HTTPRequest is one HTTP GET probe.
type HTTPRequest struct {
	Netns      string        // namespace to send the request from
	URL        string        // http://IP[:port]/path; an IPv4 literal, lab probes do not use DNS
	WantStatus int           // status that counts as OK; 0 means 200
	WantBody   string        // when set, the kept body must contain it
	Timeout    time.Duration // for connect and answer together; <= 0 means DefaultHTTPTimeout
}

// HTTPResult is the outcome of one HTTP probe, ready to print or to encode
// as JSON.
type HTTPResult struct {
	From   string        `json:"from"`   // netns name
	URL    string        `json:"url"`    // as requested
	OK     bool          `json:"ok"`     // an answer came with the wanted status and body
	Status int           `json:"status"` // status code of the answer, 0 if none came
	RTT    time.Duration `json:"rtt"`    // when an answer came: from connect(2) to the end of the kept body
	Body   string        `json:"body"`   // first 4 KiB of the answer's body
	Reason string        `json:"reason"` // when !OK: why, in plain words
}

// String renders the result as a one-line answer, e.g.
// "http://10.0.0.12/ answered 200 in 0.52ms" or
// "http://10.0.0.12/ failed: status 404, want 200".
func (r HTTPResult) String() string {
	if r.OK {
		return fmt.Sprintf("%s answered %d in %s", r.URL, r.Status, millis(r.RTT))
	}
	return fmt.Sprintf("%s failed: %s", r.URL, r.Reason)
}

// HTTP sends one GET from the named namespace and checks the answer's status
// and, when asked, a word in its body. The connection is made by TCP's
// socket, and then served by the Go runtime: no process per probe, and no
// proxy or DNS involved. HTTP/1.0 with "Connection: close" keeps the answer
// simple: no chunks, the body ends when the server closes.
//
// Equivalent to: `ip netns exec NETNS curl -s -m 1 URL`
func HTTP(req HTTPRequest) HTTPResult {
	start := time.Now()
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultHTTPTimeout
	}
	want := req.WantStatus
	if want == 0 {
		want = http.StatusOK
	}
	r := HTTPResult{From: req.Netns, URL: req.URL}
	t, err := parseTarget(req.URL)
	if err != nil {
		r.Reason = err.Error()
		return r
	}
	fd, _, reason := dial(req.Netns, t.dst, timeout)
	if reason != "" {
		r.Reason = reason
		return r
	}
	conn, err := fileConn(fd, req.Netns)
	if err != nil {
		r.Reason = err.Error()
		return r
	}
	defer conn.Close()

	resp, body, reason := get(conn, t, start.Add(timeout), timeout)
	if resp == nil {
		r.Reason = reason
		return r
	}
	r.RTT = time.Since(start)
	r.Status = resp.StatusCode
	r.Body = body
	switch {
	case reason != "":
		r.Reason = reason
	case r.Status != want:
		r.Reason = fmt.Sprintf("status %d, want %d", r.Status, want)
	case req.WantBody != "" && !strings.Contains(body, req.WantBody):
		r.Reason = fmt.Sprintf("body does not contain %q", req.WantBody)
	default:
		r.OK = true
	}
	return r
}

// target is what HTTP needs from a URL.
type target struct {
	dst  netip.AddrPort
	host string // Host header: the IP, with the port when it is not 80
	path string // request target: path and query, "/" when empty
}

// parseTarget accepts http://IP[:port]/path with an IPv4 literal only: a
// probe tests the namespace's routes and links, and a name would first need
// a resolver the lesson has not set up.
func parseTarget(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return target{}, fmt.Errorf("bad url %q: %s", raw, lower(err))
	}
	if u.Scheme != "http" {
		return target{}, fmt.Errorf("url %q: only http:// is supported", raw)
	}
	if u.Host == "" {
		return target{}, fmt.Errorf("url %q has no host", raw)
	}
	host := u.Hostname()
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return target{}, fmt.Errorf("url %q: host %q is not an ip address (lab probes do not use DNS)", raw, host)
	}
	if !ip.Is4() {
		return target{}, fmt.Errorf("url %q: host %q is not an ipv4 address", raw, host)
	}
	port := uint64(80)
	if p := u.Port(); p != "" {
		port, err = strconv.ParseUint(p, 10, 16)
		if err != nil || port == 0 {
			return target{}, fmt.Errorf("url %q: bad port %q", raw, p)
		}
	}
	t := target{
		dst:  netip.AddrPortFrom(ip, uint16(port)),
		host: ip.String(),
		path: u.RequestURI(),
	}
	if port != 80 {
		t.host = t.dst.String()
	}
	return t, nil
}

// fileConn hands a connected socket to the Go runtime's poller, so reads and
// writes honor deadlines. It takes fd over: fd is closed either way.
func fileConn(fd int, netns string) (net.Conn, error) {
	f := os.NewFile(uintptr(fd), "tcp@"+netns)
	if f == nil {
		unix.Close(fd)
		return nil, fmt.Errorf("wrap tcp socket in netns %q: bad fd", netns)
	}
	conn, err := net.FileConn(f)
	f.Close() // FileConn holds its own dup of the fd.
	if err != nil {
		return nil, fmt.Errorf("wrap tcp socket in netns %q: %s", netns, lower(err))
	}
	return conn, nil
}

// get writes a minimal GET on conn and reads the answer until deadline. It
// returns the answer and up to maxBody of its body; resp is nil when no
// answer came, and reason is set when something went wrong.
func get(conn net.Conn, t target, deadline time.Time, timeout time.Duration) (resp *http.Response, body, reason string) {
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, "", fmt.Sprintf("set deadline on connection to %s: %s", t.dst, lower(err))
	}
	msg := "GET " + t.path + " HTTP/1.0\r\n" +
		"Host: " + t.host + "\r\n" +
		"User-Agent: cnilab\r\n" +
		"Connection: close\r\n\r\n"
	if _, err := io.WriteString(conn, msg); err != nil {
		return nil, "", "cannot send request: " + exchangeReason(err, timeout)
	}
	br := bufio.NewReader(conn)
	// ReadResponse says "unexpected EOF" even when not one byte came back;
	// peek first to tell a server that closed without a word ("EOF", as Go's
	// http client says) from one that broke off mid-answer.
	if _, err := br.Peek(1); err != nil {
		return nil, "", "no HTTP answer: " + exchangeReason(err, timeout)
	}
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil {
		return nil, "", "no HTTP answer: " + exchangeReason(err, timeout)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp, string(b), "body cut short: " + exchangeReason(err, timeout)
	}
	// The rest is read too, not kept: a page counts once all of it came,
	// and a large one is what stalls behind an MTU black hole.
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	if err != nil {
		return resp, string(b), fmt.Sprintf("body cut short after %d bytes: %s", int64(len(b))+n, exchangeReason(err, timeout))
	}
	return resp, string(b), ""
}

// exchangeReason words an error while talking to the server once connected.
// io.EOF stays "EOF", as curl and Go say it: the server closed without a
// (complete) answer.
func exchangeReason(err error, timeout time.Duration) string {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Sprintf("timed out after %v", timeout)
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		return connectReason(errno)
	}
	return err.Error()
}
