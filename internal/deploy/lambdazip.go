package deploy

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"strings"
	"time"
)

// Bootstrap is the function's entry point in the zip: the provided.al2023
// runtime runs ./bootstrap, which runs vigil lambda with the configuration
// beside it. It is a script rather than the binary itself so that what
// the function runs is visible in the zip.
const Bootstrap = `#!/bin/sh
# Written by vigil export lambda-zip: the Lambda runtime (provided.al2023)
# starts this file; it runs vigil's Lambda handler on the configuration
# packed beside it.
exec "${LAMBDA_TASK_ROOT:-.}/vigil" lambda --config "${LAMBDA_TASK_ROOT:-.}/vigil.yaml" "$@"
`

// LambdaZip writes a Lambda deployment package: bootstrap, the vigil
// binary (which must be built for linux and the function's architecture)
// and the configuration as vigil.yaml. Entries are executable where they
// must be and carry a fixed time, so the same inputs make the same zip
// (and Terraform's source_code_hash changes only when they change).
func LambdaZip(w io.Writer, binary io.Reader, config []byte) error {
	z := zip.NewWriter(w)
	mod := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	add := func(name string, mode fs.FileMode, r io.Reader) error {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod}
		h.SetMode(mode)
		f, err := z.CreateHeader(h)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, r)
		return err
	}
	if err := add("bootstrap", 0o755, strings.NewReader(Bootstrap)); err != nil {
		return err
	}
	if err := add("vigil", 0o755, binary); err != nil {
		return err
	}
	if err := add("vigil.yaml", 0o644, bytes.NewReader(config)); err != nil {
		return err
	}
	return z.Close()
}
