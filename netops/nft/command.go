package nft

import "strings"

// Command lines are built as word lists and quoted for bash only at the end,
// so what nft receives as argv is exactly the words below.

// setupLines are the idempotent `nft add table` and `nft add chain` lines a
// rule needs before it, printed every time so a pasted block always works.
func setupLines(table string, s chainSpec) []string {
	return []string{
		shellJoin("nft", "add", "table", "ip", table),
		shellJoin("nft", "add", "chain", "ip", table, s.name, s.body()),
	}
}

// ruleLine is `nft add rule ip TABLE CHAIN WORDS...`.
func ruleLine(table string, s chainSpec, words ...string) string {
	return shellJoin(append([]string{"nft", "add", "rule", "ip", table, s.name}, words...)...)
}

// nftString writes an interface name for nft: bare when it is a plain
// identifier (`oifname eth0`, as people type it), else as an nft string
// literal, with the bash quoting on top.
func nftString(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return `"` + s + `"`
		}
	}
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return `"` + s + `"`
	}
	return s
}

func shellJoin(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = shellQuote(w)
	}
	return strings.Join(q, " ")
}

// shellQuote quotes one word for bash the way a person would write it: bare
// when safe, `\"eth0\"` for an nft string, single quotes otherwise.
func shellQuote(w string) string {
	if w == "" {
		return "''"
	}
	quotes := false
	for i := 0; i < len(w); i++ {
		switch b := w[i]; {
		case b == '"':
			quotes = true
		case !shellSafe(b):
			return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
	}
	if quotes {
		return strings.ReplaceAll(w, `"`, `\"`)
	}
	return w
}

// shellSafe bytes mean nothing special to bash anywhere in an argument.
func shellSafe(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		strings.IndexByte("_-./:,+=@%", b) >= 0
}
