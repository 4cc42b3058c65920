package oracle

import (
	"context"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// ExecuteSignal runs a signal that did not come from the signal table (the Kafka
// channel): execute-snapshot, stop-snapshot, pause-snapshot, resume-snapshot and log,
// as if its row had been mined now. The watermark types belong to the signal table
// and are ignored with a warning. The state change is mirrored into the offset of
// the records that follow. Called on the stream's goroutine between mining windows;
// an error is a sourceIOError of the chunk reads (the task retries it).
func (s *Stream) ExecuteSignal(sig cdc.Signal, channel string) error {
	sg := &signalRow{id: sig.ID, typ: sig.Type, where: channel + " channel", valid: true}
	switch sig.Type {
	case cdc.SignalWindowOpen, cdc.SignalWindowClose:
		s.log.Warn("ignoring a watermark signal outside the signal table", "signal", sig.ID, "type", sig.Type, "channel", channel)
		return nil
	}
	s.parseSignalData(sg, sig.Data, channel)
	s.signalState(sg)
	return s.signal(sg, change{}, s.pos.Offset())
}

// openKafkaSignals connects the Kafka signal channel when signal.enabled.channels
// names it (nil otherwise). ctx bounds the committed-offset lookup.
func (t *Task) openKafkaSignals(ctx context.Context) (*cdc.KafkaSignals, error) {
	if !t.cfg.Signals.Kafka {
		return nil, nil
	}
	return cdc.NewKafkaSignals(ctx, t.cfg.Signals, t.cfg.Common.TopicPrefix, t.log)
}

// kafkaSignals executes the signals that arrived on the Kafka channel, at most once
// per signal.poll.interval.ms. Called on the run goroutine between mining windows
// and while idle.
func (t *Task) kafkaSignals(ctx context.Context, st *Stream) error {
	if t.ksig == nil || !t.ksig.Due(time.Now()) {
		return nil
	}
	for _, sig := range t.ksig.Read(ctx) {
		if err := st.ExecuteSignal(sig, cdc.SignalChannelKafka); err != nil {
			return err
		}
	}
	return nil
}
