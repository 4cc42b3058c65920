package main

import (
	"fmt"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/bench/internal/harness"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/offsets"
)

// converterClass names a -converters value as the worker's config would.
var converterClass = map[string]string{
	"avro": "io.confluent.connect.avro.AvroConverter (registry: srfake in its own process)",
	"json": "org.apache.kafka.connect.json.JsonConverter (schemas.enable=true)",
}

// w3 writes txs autocommit single-row INSERTs while no task runs, then drains them
// once per -converters value from the same start offset (Poll, converter, produce to a
// fresh broker process), each against the pipeline ceiling measured with that run's
// record sizes. It returns the offset of the last record drained.
func w3(dir string, srv *mysqltest.Server, cfg connectors.Config, start offsets.Offset, rows, txs int) (offsets.Offset, error) {
	if txs < specTxs {
		fmt.Printf("W3 runs %d transactions (-txs); the spec's W3 has %d\n", txs, specTxs)
	}
	pos, err := masterPos(srv)
	if err != nil {
		return nil, err
	}
	fmt.Printf("writing %d autocommit single-row INSERTs...\n", txs)
	if err := insertSingleRowTxs(srv, rows, txs); err != nil {
		return nil, err
	}
	db := dbAddr{Host: srv.Host, Port: srv.Port, User: srv.User, Password: srv.Password}
	for _, raw := range []bool{false, true} {
		name, what := "w3-parse", "go-mysql decoding"
		if raw {
			name, what = "w3-parse-raw", "go-mysql in raw mode (framing only)"
		}
		o, err := runChild(dir, name, parseRole, job{DB: db, Pos: pos, Records: txs, Raw: raw})
		if err != nil {
			return nil, err
		}
		fmt.Printf("W3 parse floor: %s the %d transactions %v (%.0f/s), %.2f CPU-s per million events\n", what, txs,
			o.Took.Round(time.Millisecond), float64(txs)/o.Took.Seconds(), perMillion(o.CPU, txs))
	}
	var end offsets.Offset
	for _, conv := range w3Converters {
		o, err := w3Run(dir, cfg, start, txs, conv)
		if err != nil {
			return nil, err
		}
		c, err := w3Ceiling(dir, srv, pos, txs, conv, o.KeyBytes, o.ValBytes)
		if err != nil {
			return nil, err
		}
		end = o.End
		w3Report(conv, txs, o, c)
	}
	return end, nil
}

// w3Run drains the transactions through one converter in a child process.
func w3Run(dir string, cfg connectors.Config, start offsets.Offset, txs int, conv string) (outcome, error) {
	name := "w3-" + conv
	broker, err := harness.StartBroker("", dir, "kafkad-"+name)
	if err != nil {
		return outcome{}, err
	}
	defer broker.Stop(5 * time.Second)
	j := job{Config: cfg, Offset: start, Records: txs, Converter: conv, Broker: broker.Addr,
		CPUProfile: suffixed(cpuprofile, name), MemProfile: suffixed(memprofile, name)}
	if conv == "avro" {
		reg, err := harness.StartRegistry("", dir, "registry-"+name)
		if err != nil {
			return outcome{}, err
		}
		defer reg.Stop(5 * time.Second)
		j.Registry = reg.URL
	}
	return runChild(dir, name, taskRole, j)
}

// w3Ceiling runs the pipeline ceiling with records of the given sizes in a child
// process, against a fresh broker.
func w3Ceiling(dir string, srv *mysqltest.Server, pos gmysql.Position, txs int, conv string, keySize, valSize int) (outcome, error) {
	name := "w3-ceiling-" + conv
	broker, err := harness.StartBroker("", dir, "kafkad-"+name)
	if err != nil {
		return outcome{}, err
	}
	defer broker.Stop(5 * time.Second)
	return runChild(dir, name, ceilingRole, job{DB: dbAddr{Host: srv.Host, Port: srv.Port, User: srv.User, Password: srv.Password},
		Pos: pos, Records: txs, Broker: broker.Addr, KeySize: keySize, ValSize: valSize, CPUProfile: suffixed(cpuprofile, name)})
}

// w3Report prints one W3 run against its ceiling and the spec's targets.
func w3Report(conv string, txs int, o, c outcome) {
	rate, crate := float64(txs)/o.Took.Seconds(), float64(txs)/c.Took.Seconds()
	ratio := rate / crate
	cpu, ccpu := perMillion(o.CPU, txs), perMillion(c.CPU, txs)
	rss := harness.MB(o.PeakRSS)
	target := "≤ 8 (the spec's figure is for Avro)"
	if conv == "avro" {
		target = "≤ 8"
	}
	fmt.Printf("W3 catch-up, %s, %d+%d-byte records:\n", converterClass[conv], o.KeyBytes, o.ValBytes)
	fmt.Printf("  rate %.0f/s in %v; ceiling (go-mysql decode + franz-go producing pre-encoded %d+%d-byte records) %.0f/s in %v; ratio %.2fx (target ≥ 0.7x: %s)\n",
		rate, o.Took.Round(time.Millisecond), c.KeyBytes, c.ValBytes, crate, c.Took.Round(time.Millisecond), ratio, verdict(ratio >= 0.7))
	fmt.Printf("  CPU %.2f s per million events (target %s: %s); ceiling CPU %.2f s per million (ours %.2fx of it)\n",
		cpu, target, verdict(cpu <= 8), ccpu, cpu/ccpu)
	fmt.Printf("  peak RSS %.1f MB (target ≤ 150 MB: %s); ceiling process %.1f MB\n", rss, verdict(rss <= 150), harness.MB(c.PeakRSS))
	bench := "mysql-w3-" + conv
	harness.Result{Bench: bench, Metric: "events/s", Value: rate, Unit: "events/s", Ref: "decode+produce ceiling", RefValue: crate, Target: "ratio ≥ 0.7"}.Print()
	harness.Result{Bench: bench, Metric: "CPU-s per million events", Value: cpu, Unit: "s", Ref: "ceiling", RefValue: ccpu, Target: "≤ 8"}.Print()
	harness.Result{Bench: bench, Metric: "peak RSS", Value: rss, Unit: "MB", Target: "≤ 150 MB"}.Print()
}
