// Package lessons holds the lesson files, embedded in the binary. They are
// data: the engine loads and validates them. File names give the teaching
// order and the id: NN-ID.yaml. index.json lists them for `lab list` without
// parsing every file; a test keeps it current
// (`go test ./lessons -run TestIndex -update` writes it).
package lessons

import (
	"embed"
	"io/fs"
)

//go:embed *.yaml
var files embed.FS

//go:embed index.json
var index []byte

// FS returns the embedded lesson files.
func FS() fs.FS { return files }

// Index is index.json: a JSON array of {"id", "title", "summary", "steps",
// "file"}, one entry per lesson file in teaching order.
func Index() []byte { return index }
