package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"
)

// outputFlag is --output: where a command writes the document it makes.
type outputFlag struct{ path string }

func (o *outputFlag) add(fs *pflag.FlagSet, what string) {
	fs.StringVar(&o.path, "output", "", "write "+what+" to `FILE` instead of standard output (- for standard output)")
}

// open returns the destination, stdout or the file (created or truncated),
// and the function that closes it; errors name --output.
func (o outputFlag) open(stdout io.Writer) (io.Writer, func() error, error) {
	if o.path == "" || o.path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(o.path)
	if err != nil {
		return nil, nil, fmt.Errorf("--output: %w", err)
	}
	return f, func() error {
		if err := f.Close(); err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		return nil
	}, nil
}
