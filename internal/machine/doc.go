// Package machine watches the machine's own network namespace, the one lab
// must never touch. Take records its state as sorted text lines, Diff names
// what changed between two records, and Guard wraps both for a TestMain, so
// any test that leaks a link, an address, a route, a firewall rule or a
// sysctl write into the host fails the run that did it. Leftovers checks
// the other side of the same promise: that a scope removed what it created.
//
// Everything here only reads. It reads the namespace of the calling thread:
// call it from an ordinary goroutine, never from inside ns.Do.
package machine
