package probe

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestHTTP(t *testing.T) {
	needRoot(t)
	client, server := webPair(t, "get")
	hangUp(t, server, netip.MustParseAddrPort("10.0.0.12:82"))

	req := HTTPRequest{Netns: client, URL: "http://10.0.0.12/", WantBody: "Welcome", Timeout: okTimeout}
	r := HTTP(req)
	if !r.OK || r.Status != 200 || !strings.Contains(r.Body, "Welcome") || r.RTT <= 0 || r.Reason != "" {
		t.Errorf("HTTP(%+v) = %+v, want OK, status 200 and a welcome body", req, r)
	}
	if r.From != client || r.URL != req.URL {
		t.Errorf("HTTP(%+v) names %q %q", req, r.From, r.URL)
	}
	if !strings.HasPrefix(r.String(), "http://10.0.0.12/ answered 200 in ") {
		t.Errorf("String() = %q", r.String())
	}
	t.Log(r)

	for _, c := range []struct {
		name string
		req  HTTPRequest
		want string // reason
		code int    // status
	}{
		{"body", HTTPRequest{URL: "http://10.0.0.12/", WantBody: "nope"}, `body does not contain "nope"`, 200},
		{"404", HTTPRequest{URL: "http://10.0.0.12/missing"}, "status 404, want 200", 404},
		{"hangup", HTTPRequest{URL: "http://10.0.0.12:82/"}, "no HTTP answer: EOF", 0},
		{"refused", HTTPRequest{URL: "http://10.0.0.12:81/"}, "connection refused", 0},
		{"hostname", HTTPRequest{URL: "http://web.lab/"}, `url "http://web.lab/": host "web.lab" is not an ip address (lab probes do not use DNS)`, 0},
	} {
		c.req.Netns, c.req.Timeout = client, okTimeout
		r := HTTP(c.req)
		if r.OK || r.Reason != c.want || r.Status != c.code {
			t.Errorf("%s: HTTP(%+v) = %+v, want status %d and reason %q", c.name, c.req, r, c.code, c.want)
		}
		t.Log(r)
	}

	// The wanted status may be another one than 200.
	req = HTTPRequest{Netns: client, URL: "http://10.0.0.12/missing", WantStatus: 404, Timeout: okTimeout}
	if r := HTTP(req); !r.OK || r.Status != 404 {
		t.Errorf("HTTP(%+v) = %+v, want OK with status 404", req, r)
	}
}

func TestHTTPConcurrent(t *testing.T) {
	needRoot(t)
	client, _ := webPair(t, "many")
	results := make([]HTTPResult, 10)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			results[i] = HTTP(HTTPRequest{Netns: client, URL: "http://10.0.0.12/", WantBody: "Welcome", Timeout: okTimeout})
		})
	}
	wg.Wait()
	for i, r := range results {
		if !r.OK || r.Status != 200 || r.Body != welcome {
			t.Errorf("probe %d = %+v, want OK with the welcome page", i, r)
		}
	}
}

func TestHTTPMissingNetns(t *testing.T) {
	name := fmt.Sprintf("probehttp-missing-%d", os.Getpid())
	r := HTTP(HTTPRequest{Netns: name, URL: "http://10.0.0.12/"})
	want := fmt.Sprintf("netns %q does not exist", name)
	if r.OK || r.Reason != want {
		t.Errorf("got %+v, want reason %q", r, want)
	}
}

func TestParseTarget(t *testing.T) {
	for _, c := range []struct {
		url, dst, host, path string
	}{
		{"http://10.0.0.12", "10.0.0.12:80", "10.0.0.12", "/"},
		{"http://10.0.0.12/", "10.0.0.12:80", "10.0.0.12", "/"},
		{"http://10.0.0.12:80/a", "10.0.0.12:80", "10.0.0.12", "/a"},
		{"http://10.0.0.12:8080/a/b?x=1#top", "10.0.0.12:8080", "10.0.0.12:8080", "/a/b?x=1"},
	} {
		got, err := parseTarget(c.url)
		if err != nil {
			t.Errorf("parseTarget(%q): %v", c.url, err)
			continue
		}
		want := target{dst: netip.MustParseAddrPort(c.dst), host: c.host, path: c.path}
		if got != want {
			t.Errorf("parseTarget(%q) = %+v, want %+v", c.url, got, want)
		}
	}
	for _, c := range []struct{ url, want string }{
		{"https://10.0.0.12/", "only http:// is supported"},
		{"10.0.0.12/", "only http:// is supported"},
		{"http://web/", "lab probes do not use DNS"},
		{"http://[2001:db8::1]/", "not an ipv4 address"},
		{"http:///x", "has no host"},
		{"http://10.0.0.12:0/", `bad port "0"`},
		{"http://10.0.0.12:99999/", "bad port"},
		{"http://10.0.0.12:x/", "bad url"},
	} {
		_, err := parseTarget(c.url)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseTarget(%q) = %v, want an error containing %q", c.url, err, c.want)
		}
	}
}

func TestHTTPResultString(t *testing.T) {
	r := HTTPResult{URL: "http://10.0.0.12:81/", Reason: "connection refused"}
	if got, want := r.String(), "http://10.0.0.12:81/ failed: connection refused"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
