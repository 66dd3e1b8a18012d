// Package oci builds container images offline, as an OCI image layout in a
// tar archive that `ctr image import` loads: the pause image and the demo
// web server of the containerd lesson, both made of the lab binary itself
// (static, so it runs without the machine's libraries). No registry, no
// network: the article's `docker.io/kubernetes/pause:latest` is a name the
// archive gives.
//
// Only what containerd reads is written: oci-layout, index.json with each
// image's name in the io.containerd.image.name annotation, and per image a
// manifest, a config and one uncompressed layer (shared by the images that
// hold the same files).
package oci

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"time"
)

// Media types of the OCI image spec (v1).
const (
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaConfig   = "application/vnd.oci.image.config.v1+json"
	mediaLayer    = "application/vnd.oci.image.layer.v1.tar"
	mediaIndex    = "application/vnd.oci.image.index.v1+json"
)

// File is one file of an image's only layer: from Path on this machine, or
// Data when Path is empty.
type File struct {
	Path string
	Data []byte
	Mode int64
}

// Image is one image of an archive: its name (as `ctr image ls` shows it),
// what the container runs, and its files by path in the image.
type Image struct {
	Name       string
	Entrypoint []string
	Cmd        []string
	Env        []string
	Files      map[string]File
}

// descriptor points at a blob.
type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Platform    *platform         `json:"platform,omitempty"`
}

type platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
}

// Write writes the archive of images to w.
//
// Equivalent to: `docker save` of images built FROM scratch with the files
// COPYed in, in the OCI layout
func Write(w io.Writer, images []Image) error {
	blobs := map[string][]byte{}
	put := func(b []byte) string {
		sum := sha256.Sum256(b)
		d := "sha256:" + hex.EncodeToString(sum[:])
		blobs[d] = b
		return d
	}
	var index struct {
		SchemaVersion int          `json:"schemaVersion"`
		MediaType     string       `json:"mediaType"`
		Manifests     []descriptor `json:"manifests"`
	}
	index.SchemaVersion, index.MediaType = 2, mediaIndex
	for _, im := range images {
		layer, err := layerTar(im.Files)
		if err != nil {
			return fmt.Errorf("image %s: %w", im.Name, err)
		}
		layerDigest := put(layer) // uncompressed: its digest is its diff id
		config, err := json.Marshal(map[string]any{
			"architecture": runtime.GOARCH,
			"os":           "linux",
			"config":       map[string]any{"Entrypoint": im.Entrypoint, "Cmd": im.Cmd, "Env": im.Env},
			"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{layerDigest}},
		})
		if err != nil {
			return err
		}
		manifest, err := json.Marshal(map[string]any{
			"schemaVersion": 2,
			"mediaType":     mediaManifest,
			"config":        descriptor{MediaType: mediaConfig, Digest: put(config), Size: int64(len(config))},
			"layers":        []descriptor{{MediaType: mediaLayer, Digest: layerDigest, Size: int64(len(layer))}},
		})
		if err != nil {
			return err
		}
		index.Manifests = append(index.Manifests, descriptor{
			MediaType: mediaManifest, Digest: put(manifest), Size: int64(len(manifest)),
			Platform:    &platform{Architecture: runtime.GOARCH, OS: "linux"},
			Annotations: map[string]string{"io.containerd.image.name": im.Name},
		})
	}
	indexJSON, err := json.Marshal(index)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	add := func(name string, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := add("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return err
	}
	if err := add("index.json", indexJSON); err != nil {
		return err
	}
	digests := make([]string, 0, len(blobs))
	for d := range blobs {
		digests = append(digests, d)
	}
	sort.Strings(digests)
	for _, d := range digests {
		if err := add("blobs/sha256/"+d[len("sha256:"):], blobs[d]); err != nil {
			return err
		}
	}
	return tw.Close()
}

// layerTar is the layer of files, in path order, owned by root.
func layerTar(files map[string]File) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		f := files[p]
		data := f.Data
		if f.Path != "" {
			b, err := os.ReadFile(f.Path)
			if err != nil {
				return nil, err
			}
			data = b
		}
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		name := p
		for len(name) > 0 && name[0] == '/' {
			name = name[1:]
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(data)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
