package engine

import (
	"fmt"
	"testing"
)

func TestZZScratch(t *testing.T) {
	for _, src := range []string{
		"id: x\ntitle: y\nsetup: &s\n  - netns: {name: a}\nsteps: *s\nverify:\n  - netns: {name: host}\n",
		"id: x\ntitle: y\nverify: []\n",
		"id: x\ntitle: y\n",
		"id: x\ntitle: y\nfoo: [\n",
		"id: x\ntitle: y\nverify:\n  - netns: {name: host}\n  -: x\n",
		"\t",
		"id: x\ntitle: y\nverify:\n  - netns: {name: host}\ntask: '{{ns'\n",
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Printf("PANIC %q: %v\n", src, r)
				}
			}()
			l, err := Parse("f.yaml", []byte(src))
			fmt.Printf("%q -> %v %v\n", src, l != nil, err)
		}()
	}
}
