package deploy

import (
	"archive/zip"
	"bytes"
	"fmt"
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

// Lambda's deployment package quotas
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
const (
	// LambdaDirectUploadLimit is the largest zip Lambda accepts in the
	// request itself (CreateFunction's ZipFile, the console, Terraform's
	// filename); a larger one must be uploaded to S3 first.
	LambdaDirectUploadLimit = 50 << 20
	// LambdaUnzippedLimit is the largest a function's code may be unzipped,
	// however it is uploaded.
	LambdaUnzippedLimit = 250 << 20
)

// LambdaZipNotes says what a zip of these sizes (bytes) means for its
// deployment: nothing when Lambda takes it directly, how to upload it
// through S3 when it is over the direct-upload limit, and that Lambda
// refuses it when its contents are over the unzipped limit.
func LambdaZipNotes(zipped, unzipped int64) []string {
	var notes []string
	mb := func(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
	if unzipped > LambdaUnzippedLimit {
		notes = append(notes, fmt.Sprintf("unzipped the package is %s, over Lambda's %s limit: Lambda will refuse it; build vigil stripped (CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" ./cmd/vigil) and pass it with --binary", mb(unzipped), mb(LambdaUnzippedLimit)))
	}
	if zipped > LambdaDirectUploadLimit {
		notes = append(notes, fmt.Sprintf("the zip is %s, over Lambda's %s limit for a direct upload: upload it to S3 (aws s3 cp ZIP s3://BUCKET/KEY) and deploy it from there (CloudFormation: the CodeS3Bucket and CodeS3Key parameters of vigil export cloudformation --via lambda; the AWS CLI: aws lambda update-function-code --s3-bucket BUCKET --s3-key KEY); a stripped build (-trimpath -ldflags=\"-s -w\", passed with --binary) makes it smaller", mb(zipped), mb(LambdaDirectUploadLimit)))
	}
	return notes
}
