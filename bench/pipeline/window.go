package main

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gonnect/gonnect/bench/internal/harness"
)

// window is the active window of one run: from the first time the topic was seen
// non-empty to the first time it held every record, with each watched process's CPU
// time over it and its peak RSS at the end.
type window struct {
	took time.Duration
	cpu  []time.Duration // per watched pid
	peak []int64         // VmHWM per watched pid at the end
}

// endOffset asks the partition leader for the end offset of topic/0.
func endOffset(ctx context.Context, cl *kgo.Client, topic string) (int64, error) {
	req := kmsg.NewPtrListOffsetsRequest()
	t := kmsg.NewListOffsetsRequestTopic()
	t.Topic = topic
	p := kmsg.NewListOffsetsRequestTopicPartition()
	p.Partition, p.Timestamp = 0, -1
	t.Partitions = append(t.Partitions, p)
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return 0, err
	}
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
				return 0, err
			}
			return rp.Offset, nil
		}
	}
	return 0, nil
}

// timeline makes watch print the topic's end offset every 250 ms (-timeline).
var timeline bool

// watch polls the topic's end offset every 5 ms until it reaches n (bounded by
// timeout) and reads the pids' CPU at the window's edges. It fails early if any of
// the procs exits.
func watch(ctx context.Context, cl *kgo.Client, topic string, n int64, timeout time.Duration, procs ...*harness.Proc) (window, error) {
	var w window
	var t0, lastMark time.Time
	cpu0 := make([]time.Duration, len(procs))
	cpus := func(dst []time.Duration) error {
		for i, p := range procs {
			c, err := harness.CPU(p.Pid())
			if err != nil {
				return err
			}
			dst[i] = c
		}
		return nil
	}
	_, err := harness.Until(ctx, timeout, 5*time.Millisecond, "records in "+topic, func() (bool, error) {
		for _, p := range procs {
			if p.Exited() {
				return false, fmt.Errorf("%s exited; log %s:\n%s", p.Name, p.LogPath, p.Tail(15))
			}
		}
		off, err := endOffset(ctx, cl, topic)
		if err != nil {
			return false, err
		}
		if off > 0 && t0.IsZero() {
			t0 = time.Now()
			if err := cpus(cpu0); err != nil {
				return false, err
			}
		}
		if timeline && !t0.IsZero() && time.Since(lastMark) >= 250*time.Millisecond {
			lastMark = time.Now()
			fmt.Printf("    t+%5.2fs %9d records\n", time.Since(t0).Seconds(), off)
		}
		if off < n {
			return false, nil
		}
		w.took = time.Since(t0)
		w.cpu = make([]time.Duration, len(procs))
		if err := cpus(w.cpu); err != nil {
			return false, err
		}
		for i, p := range procs {
			w.cpu[i] -= cpu0[i]
			m, err := harness.Memory(p.Pid())
			if err != nil {
				return false, err
			}
			w.peak = append(w.peak, m.Peak)
		}
		return true, nil
	})
	return w, err
}
