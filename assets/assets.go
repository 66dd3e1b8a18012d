// Package assets holds the static files lab embeds: the demo web page that
// the lessons' web servers return.
package assets

import _ "embed"

// IndexHTML is the lab's demo page, the "Welcome to nginx!" of the articles.
//
//go:embed web/index.html
var IndexHTML []byte
