// Package lessons holds the lesson files, embedded in the binary. They are
// data: the engine loads and validates them. File names give the teaching
// order.
package lessons

import (
	"embed"
	"io/fs"
)

//go:embed *.yaml
var files embed.FS

// FS returns the embedded lesson files.
func FS() fs.FS { return files }
