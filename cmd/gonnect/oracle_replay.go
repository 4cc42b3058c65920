package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"github.com/gonnect/gonnect/connectors/oracle/replay"
)

// runOracleReplay is `gonnect oracle replay --scenario SCENARIO.json --tables
// TABLES.json ROWS.jsonl`: it runs the Oracle connector's streaming engine on
// recorded LogMiner rows with no database and prints, one JSON object per line, every
// data record and tombstone in producer order, then the schema changes, then the
// final offsets. Warnings go to stderr. Exit status: 0 done, 1 replay error, 2 usage.
func runOracleReplay(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("oracle replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenario := fs.String("scenario", "", "scenario JSON with connector_config and database (an .expected.json file works)")
	tables := fs.String("tables", "", "tables.json with the captured tables' models")
	quiet := fs.Bool("quiet", false, "do not log the connector's warnings")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gonnect oracle replay --scenario SCENARIO.json --tables TABLES.json ROWS.jsonl")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *scenario == "" || *tables == "" || fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	open := func(what, path string) (*os.File, bool) {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintf(stderr, "gonnect oracle replay: %s: %v\n", what, err)
			return nil, false
		}
		return f, true
	}
	sc, ok := open("--scenario", *scenario)
	if !ok {
		return 1
	}
	defer sc.Close()
	tb, ok := open("--tables", *tables)
	if !ok {
		return 1
	}
	defer tb.Close()
	rows, ok := open("rows", fs.Arg(0))
	if !ok {
		return 1
	}
	defer rows.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var h slog.Handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})
	if *quiet {
		h = slog.DiscardHandler
	}
	if err := replay.RunWithLogger(ctx, sc, tb, rows, stdout, slog.New(h)); err != nil {
		fmt.Fprintf(stderr, "gonnect oracle replay: %v\n", err)
		return 1
	}
	return 0
}
