package main

import (
	"fmt"
	"io"
)

// runOracleReplay is `gonnect oracle replay`. Placeholder until the Oracle connector's
// replay lands (owned by the Oracle connector work; replace this file wholesale).
func runOracleReplay(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "gonnect oracle replay: not available in this build yet")
	return 2
}
