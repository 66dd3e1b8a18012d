// Package nft writes the lab's NAT and forward rules with nftables, through
// netlink from inside this process (github.com/google/nftables), so no `nft`
// or `iptables` binary is needed at run time.
//
// Every rule lives in one table of family ip whose name the caller chooses
// ("cnilab" or "cnilab_<scope>"), inside a named network namespace. The
// machine's own namespace is never a target: an empty namespace name is
// refused rather than read as "here".
//
// Each operation (Masquerade, ForwardAccept, DNAT) can both Apply itself and
// print the `nft` command lines that do the same thing, so a learner can see,
// paste and compare. Command lines are meant to run inside the namespace,
// e.g. after `ip netns exec lab-host bash`.
//
// Apply is idempotent: every rule it adds carries a comment (nftables rule
// user data) with a stable key, and a rule whose key is already in the chain
// is not added again. The printed commands carry no such comment, so a rule
// a learner typed by hand is not recognised as the lab's own.
package nft
