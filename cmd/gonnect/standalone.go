package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gonnect/gonnect/logging"
	"github.com/gonnect/gonnect/rest/entities"
	"github.com/gonnect/gonnect/worker/distributed"
	"github.com/gonnect/gonnect/worker/workerconfig"
)

// runStandalone is connect-standalone: one worker, configs and statuses in memory,
// offsets in offset.storage.file.filename, connectors from properties files (and the
// same REST API).
func runStandalone(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 1 {
		return errors.New("usage: gonnect standalone worker.properties [connector.properties...]")
	}
	cfg, warnings, err := workerconfig.Load(args[0], workerconfig.Standalone)
	if err != nil {
		return err
	}
	var conns []map[string]string
	for _, f := range args[1:] {
		c, err := workerconfig.LoadProperties(f)
		if err != nil {
			return fmt.Errorf("connector config %s: %w", f, err)
		}
		if c["name"] == "" {
			return fmt.Errorf("connector config %s: Missing required configuration \"name\" which has no default value.", f)
		}
		conns = append(conns, c)
	}
	setupProcess(stderr)
	log := logging.Logger("org.apache.kafka.connect.runtime")
	for _, w := range warnings {
		log.Warn(w)
	}
	w, err := distributed.New(ctx, cfg, buildRegistry(), distributed.Info{Version: kafkaVersion, Commit: version}, log)
	if err != nil {
		return err
	}
	go func() {
		for _, c := range conns {
			if err := putWhenReady(ctx, w, c); err != nil {
				log.Error("creating connector from file failed", "connector", c["name"], "error", err)
			}
		}
	}()
	return w.Run(ctx)
}

// putWhenReady creates or updates a connector once the herder accepts writes.
func putWhenReady(ctx context.Context, w *distributed.Worker, cfg map[string]string) error {
	for {
		_, _, err := w.Herder().PutConnectorConfig(ctx, cfg["name"], cfg, true, nil)
		var conflict *entities.ConflictError
		var notLeader *entities.NotLeaderError
		if err == nil || !(errors.As(err, &conflict) || errors.As(err, &notLeader) || errors.Is(err, entities.ErrRebalanceNeeded)) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
