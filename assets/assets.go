// Package assets holds the static files lab embeds: the demo web page that
// the lessons' web servers return, the CNI network configs the lessons
// write for the learner, and the AppArmor profile a rootless lab needs on
// Ubuntu.
package assets

import (
	"embed"
	"fmt"
)

// IndexHTML is the lab's demo page, the "Welcome to nginx!" of the articles.
//
//go:embed web/index.html
var IndexHTML []byte

//go:embed cni/*.conf
var cniConfs embed.FS

// AppArmorProfile is the profile that lets lab, at path @LAB@, make user
// namespaces where Ubuntu restricts them.
//
//go:embed apparmor/cnilab
var AppArmorProfile string

// CNIConf returns a network config shipped with lab, by file name
// ("00-demo.conf").
func CNIConf(name string) ([]byte, error) {
	b, err := cniConfs.ReadFile("cni/" + name)
	if err != nil {
		return nil, fmt.Errorf("no CNI config %q is shipped with lab", name)
	}
	return b, nil
}
