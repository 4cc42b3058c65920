// Command gonnect is a Kafka Connect-compatible worker.
//
//	gonnect distributed worker.properties            join a Connect cluster through Kafka
//	gonnect standalone worker.properties conn.properties...
//	gonnect dev [--data-dir DIR]                     a worker on an embedded Kafka (development only)
//	gonnect oracle replay --scenario S.json --tables T.json ROWS.jsonl
//	gonnect version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one sub-command until it finishes or ctx is cancelled (SIGTERM: a
// graceful shutdown that stops tasks, commits offsets and leaves the group).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	var err error
	switch args[0] {
	case "distributed":
		err = runDistributed(ctx, args[1:], stdout, stderr)
	case "standalone":
		err = runStandalone(ctx, args[1:], stdout, stderr)
	case "dev":
		err = runDev(ctx, args[1:], stdout, stderr)
	case "oracle":
		if len(args) > 1 && args[1] == "replay" {
			return runOracleReplay(args[2:], stdout, stderr)
		}
		fmt.Fprintln(stderr, "usage: gonnect oracle replay --scenario SCENARIO.json --tables TABLES.json ROWS.jsonl")
		return 2
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "gonnect", version)
		return 0
	case "help", "--help", "-h":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "gonnect: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		slog.Error("gonnect stopped with an error", "error", err)
		fmt.Fprintln(stderr, "gonnect:", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  gonnect distributed worker.properties
  gonnect standalone worker.properties connector.properties...
  gonnect dev [--data-dir DIR] [--rest-port 8083] [--kafka-port 9092]
  gonnect oracle replay --scenario SCENARIO.json --tables TABLES.json ROWS.jsonl
  gonnect version
`)
}
