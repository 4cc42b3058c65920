package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kfake"
)

// runDev starts an embedded three-broker Kafka (franz-go's kfake) whose data lives in
// --data-dir, and a worker on it. It is for development: the embedded Kafka is not
// replicated across machines and is not tuned or hardened.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", ".gonnect-dev", "where the embedded Kafka keeps its data (connectors and offsets survive a restart)")
	restPort := fs.Int("rest-port", 8083, "REST API port")
	kafkaPort := fs.Int("kafka-port", 9092, "first port of the embedded brokers (three consecutive ports)")
	props := fs.String("config", "", "optional worker.properties (the dev defaults win for the keys they set)")
	connDir := fs.String("connectors-dir", "", "directory of declared connectors, as for distributed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		return fmt.Errorf("creating data dir: %w", err)
	}
	abs, _ := filepath.Abs(*dataDir)
	cluster, err := kfake.NewCluster(
		kfake.NumBrokers(3),
		kfake.Ports(*kafkaPort, *kafkaPort+1, *kafkaPort+2),
		kfake.DataDir(filepath.Join(abs, "kafka")),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(1),
		kfake.ClusterID("gonnect-dev"),
	)
	if err != nil {
		return fmt.Errorf("starting the embedded Kafka on ports %d-%d: %w", *kafkaPort, *kafkaPort+2, err)
	}
	defer cluster.Close()
	bootstrap := strings.Join(cluster.ListenAddrs(), ",")

	overrides := map[string]string{
		"bootstrap.servers":                 bootstrap,
		"group.id":                          "gonnect-dev",
		"config.storage.topic":              "connect-configs",
		"offset.storage.topic":              "connect-offsets",
		"status.storage.topic":              "connect-status",
		"config.storage.replication.factor": "3",
		"offset.storage.replication.factor": "3",
		"status.storage.replication.factor": "3",
		"key.converter":                     "org.apache.kafka.connect.json.JsonConverter",
		"value.converter":                   "org.apache.kafka.connect.json.JsonConverter",
		"listeners":                         "http://:" + strconv.Itoa(*restPort),
		"rest.advertised.host.name":         "localhost",
		"offset.flush.interval.ms":          "5000",
		"scheduled.rebalance.max.delay.ms":  "0",
	}
	fmt.Fprintf(stdout, `
  Gonnect dev mode — the embedded Kafka below is for DEVELOPMENT ONLY.
  It runs in this process, keeps its data in %s, and is not a production Kafka.

    Kafka bootstrap (for outside clients): %s
    REST API:                              http://localhost:%d/

  Try:
    curl -s localhost:%d/connector-plugins | head
    echo hello > /tmp/in.txt
    curl -s -X PUT -H 'Content-Type: application/json' localhost:%d/connectors/file-src/config \
      -d '{"connector.class":"FileStreamSource","file":"/tmp/in.txt","topic":"lines"}'
    curl -s localhost:%d/connectors/file-src/status

`, abs, bootstrap, *restPort, *restPort, *restPort, *restPort)
	return startDistributed(ctx, *props, overrides, *connDir, stdout, stderr)
}
