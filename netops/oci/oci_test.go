package oci

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// An archive holds what containerd reads, every blob under its own digest:
// each image's name in the index, its manifest, its config (entrypoint,
// the layer as its diff id) and its layer with the files and their modes.
// Two images of the same files share one layer blob.
func TestWriteUnit(t *testing.T) {
	bin := File{Data: []byte("#!/bin/true\n"), Mode: 0o755}
	var buf bytes.Buffer
	err := Write(&buf, []Image{
		{Name: "docker.io/kubernetes/pause:latest", Entrypoint: []string{"/lab", "pause"}, Files: map[string]File{"/lab": bin}},
		{Name: "docker.io/library/nginx:latest", Entrypoint: []string{"/lab", "serve", "--port", "80"}, Files: map[string]File{"/lab": bin}},
	})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		files[h.Name] = b
	}
	if string(files["oci-layout"]) != `{"imageLayoutVersion":"1.0.0"}` {
		t.Errorf("oci-layout = %q", files["oci-layout"])
	}
	blob := func(d string) []byte {
		t.Helper()
		b, ok := files["blobs/sha256/"+strings.TrimPrefix(d, "sha256:")]
		if !ok {
			t.Fatalf("no blob %s", d)
		}
		sum := sha256.Sum256(b)
		if "sha256:"+hex.EncodeToString(sum[:]) != d {
			t.Fatalf("blob %s holds other content", d)
		}
		return b
	}
	var index struct {
		Manifests []descriptor `json:"manifests"`
	}
	if err := json.Unmarshal(files["index.json"], &index); err != nil {
		t.Fatal(err)
	}
	if len(index.Manifests) != 2 {
		t.Fatalf("index: %d manifests, want 2", len(index.Manifests))
	}
	layers := map[string]bool{}
	for i, want := range []struct{ name, entry string }{
		{"docker.io/kubernetes/pause:latest", "/lab pause"},
		{"docker.io/library/nginx:latest", "/lab serve --port 80"},
	} {
		m := index.Manifests[i]
		if got := m.Annotations["io.containerd.image.name"]; got != want.name {
			t.Errorf("manifest %d names %q, want %q", i, got, want.name)
		}
		var manifest struct {
			Config descriptor   `json:"config"`
			Layers []descriptor `json:"layers"`
		}
		if err := json.Unmarshal(blob(m.Digest), &manifest); err != nil {
			t.Fatal(err)
		}
		var config struct {
			Config struct{ Entrypoint []string } `json:"config"`
			RootFS struct {
				DiffIDs []string `json:"diff_ids"`
			} `json:"rootfs"`
		}
		if err := json.Unmarshal(blob(manifest.Config.Digest), &config); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(config.Config.Entrypoint, " "); got != want.entry {
			t.Errorf("%s runs %q, want %q", want.name, got, want.entry)
		}
		if len(manifest.Layers) != 1 || len(config.RootFS.DiffIDs) != 1 || config.RootFS.DiffIDs[0] != manifest.Layers[0].Digest {
			t.Fatalf("%s: layers %+v, diff ids %v", want.name, manifest.Layers, config.RootFS.DiffIDs)
		}
		layers[manifest.Layers[0].Digest] = true
		lr := tar.NewReader(bytes.NewReader(blob(manifest.Layers[0].Digest)))
		h, err := lr.Next()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(lr)
		if h.Name != "lab" || h.Mode != 0o755 || string(data) != string(bin.Data) {
			t.Errorf("%s's layer holds %s mode %o %q", want.name, h.Name, h.Mode, data)
		}
	}
	if len(layers) != 1 {
		t.Errorf("%d layer blobs for the same files, want 1", len(layers))
	}
}
