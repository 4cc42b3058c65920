package main

import (
	"context"
	"errors"
	"io"
)

func runStandalone(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("standalone mode is not available yet")
}
