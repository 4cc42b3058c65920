package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gonnect/gonnect/connectors"
)

// Stage names where a record can fail, as Java's Stage enum.
type Stage string

// Stages of the source pipeline.
const (
	StageTransformation  Stage = "TRANSFORMATION"
	StageKeyConverter    Stage = "KEY_CONVERTER"
	StageValueConverter  Stage = "VALUE_CONVERTER"
	StageHeaderConverter Stage = "HEADER_CONVERTER"
	StageKafkaProduce    Stage = "KAFKA_PRODUCE"
	StageTask            Stage = "TASK_PUT"
)

// ErrorPolicy is a connector's errors.* settings (Java's RetryWithToleranceOperator).
type ErrorPolicy struct {
	RetryTimeout    time.Duration // errors.retry.timeout; <0 retries forever, 0 never
	RetryDelayMax   time.Duration // errors.retry.delay.max.ms
	TolerateAll     bool          // errors.tolerance=all
	LogEnable       bool          // errors.log.enable
	LogIncludeValue bool          // errors.log.include.messages
}

// ParseErrorPolicy reads the errors.* keys of a connector config with Connect's defaults.
func ParseErrorPolicy(cfg connectors.Config) (ErrorPolicy, error) {
	p := ErrorPolicy{RetryDelayMax: 60 * time.Second}
	if v, ok := cfg["errors.retry.timeout"]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return p, fmt.Errorf("Invalid value %s for configuration errors.retry.timeout: Not a number of type LONG", v)
		}
		p.RetryTimeout = time.Duration(n) * time.Millisecond
	}
	if v, ok := cfg["errors.retry.delay.max.ms"]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return p, fmt.Errorf("Invalid value %s for configuration errors.retry.delay.max.ms: Not a number of type LONG", v)
		}
		p.RetryDelayMax = time.Duration(n) * time.Millisecond
	}
	switch v := cfg["errors.tolerance"]; v {
	case "", "none":
	case "all":
		p.TolerateAll = true
	default:
		return p, fmt.Errorf("Invalid value %s for configuration errors.tolerance: String must be one of: none, all", v)
	}
	p.LogEnable = cfg["errors.log.enable"] == "true"
	p.LogIncludeValue = cfg["errors.log.include.messages"] == "true"
	return p, nil
}

// toleranceCounters are the task-error-metrics of one task.
type toleranceCounters struct {
	failures, skipped, retries, logged atomic.Int64
	lastErrorMs                        atomic.Int64
}

// tolerance applies an ErrorPolicy to one operation on one record. It is used from the
// task's goroutine and from producer callbacks, so it only touches atomics.
type tolerance struct {
	policy ErrorPolicy
	log    *slog.Logger
	c      *toleranceCounters
	// src is the source record being transformed or converted (a source task's poll
	// goroutine only), for positions.
	src *connectors.SourceRecord
}

// errTolerated is matched (errors.Is) by every ToleratedError.
var errTolerated = errors.New("record skipped under errors.tolerance=all")

// ToleratedError reports that a record failed at a stage and was skipped under
// errors.tolerance=all; sink tasks send such records to the dead letter queue.
type ToleratedError struct {
	Stage Stage
	Err   error
}

func (e *ToleratedError) Error() string        { return fmt.Sprintf("%s: %v (tolerated)", e.Stage, e.Err) }
func (e *ToleratedError) Unwrap() error        { return e.Err }
func (e *ToleratedError) Is(target error) bool { return target == errTolerated }

// do runs op, retrying retriable failures with exponential backoff until the retry
// timeout, then either returns the error (tolerance none) or logs and returns
// errTolerated (tolerance all). ctx cancellation ends the retries.
func (t *tolerance) do(ctx context.Context, stage Stage, r *connectors.Record, op func() error) error {
	var start time.Time // taken on the first failure only: the hot path reads no clock
	delay := 300 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := safeCall(op)
		if err == nil {
			return nil
		}
		if start.IsZero() {
			start = time.Now()
		}
		var retriable *connectors.RetriableError
		if errors.As(err, &retriable) && t.canRetry(start, delay) {
			t.c.retries.Add(1)
			if !sleep(ctx, delay) {
				return ctx.Err()
			}
			delay = min(delay*2, t.policy.RetryDelayMax)
			continue
		}
		t.c.failures.Add(1)
		t.c.lastErrorMs.Store(time.Now().UnixMilli())
		wrapped := fmt.Errorf("%s stage failed for record at %s: %w", stage, t.describe(r), err)
		if !t.policy.TolerateAll {
			return wrapped
		}
		t.c.skipped.Add(1)
		if t.policy.LogEnable {
			t.c.logged.Add(1)
			attrs := []any{"stage", string(stage), "topic", r.Topic, "position", t.position(r), "error", err.Error()}
			if t.policy.LogIncludeValue {
				attrs = append(attrs, "key", fmt.Sprint(r.Key), "value", fmt.Sprint(r.Value))
			}
			t.log.Error("error encountered in task; record skipped (errors.tolerance=all)", attrs...)
		}
		return &ToleratedError{Stage: stage, Err: err}
	}
}

func (t *tolerance) canRetry(start time.Time, next time.Duration) bool {
	switch {
	case t.policy.RetryTimeout < 0:
		return true
	case t.policy.RetryTimeout == 0:
		return false
	}
	return time.Since(start)+next <= t.policy.RetryTimeout
}

// describe names the record for an error message, rendering its position lazily.
func (t *tolerance) describe(r *connectors.Record) string {
	if r != nil && r.Position == "" {
		if pos := t.position(r); pos != "" {
			return fmt.Sprintf("topic %q position %s", r.Topic, pos)
		}
	}
	return describe(r)
}

// position is the record's Position, or for the source record being sent its source
// offset as JSON (computed only when an error needs it).
func (t *tolerance) position(r *connectors.Record) string {
	if r.Position != "" || t.src == nil || !t.src.HasOffset() {
		return r.Position
	}
	return offsetJSON(t.src)
}

func describe(r *connectors.Record) string {
	if r == nil {
		return "<none>"
	}
	if r.Position != "" {
		return fmt.Sprintf("topic %q position %s", r.Topic, r.Position)
	}
	return fmt.Sprintf("topic %q", r.Topic)
}

// safeCall runs fn and turns a panic in connector, transform or converter code into
// an error carrying the stack, so it fails the task and never the worker.
func safeCall(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: stack()}
		}
	}()
	return fn()
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
