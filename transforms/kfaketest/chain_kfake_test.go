package kfaketest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/worker/workertest"
)

// TestChainInRunningConnector runs a source connector with a chain of transforms and
// predicates on an in-process worker over kfake, and checks what lands in Kafka: the
// router applied under its predicate, a negated predicate applying, and a Filter
// whose predicate does not match leaving records alone.
func TestChainInRunningConnector(t *testing.T) {
	c := workertest.NewCluster(t, 1)
	w := c.Workers()[0]
	body, _ := json.Marshal(map[string]string{
		"connector.class": "io.gonnect.test.SequenceSourceConnector",
		"topic":           "seq",
		"tasks.max":       "1",
		"batch.size":      "5",
		"limit":           "20",
		"transforms":      "tag,route,mark,never",

		"transforms.tag.type":          "org.apache.kafka.connect.transforms.InsertHeader",
		"transforms.tag.header":        "via",
		"transforms.tag.value.literal": "gonnect",

		"transforms.route.type":        "org.apache.kafka.connect.transforms.RegexRouter",
		"transforms.route.regex":       "s(e)q",
		"transforms.route.replacement": "routed-s$1q",
		"transforms.route.predicate":   "isSeq",

		"transforms.mark.type":          "org.apache.kafka.connect.transforms.InsertHeader",
		"transforms.mark.header":        "negated",
		"transforms.mark.value.literal": "yes",
		"transforms.mark.predicate":     "isSeq",
		"transforms.mark.negate":        "true",

		"transforms.never.type":      "org.apache.kafka.connect.transforms.Filter",
		"transforms.never.predicate": "isSeq",

		"predicates":               "isSeq",
		"predicates.isSeq.type":    "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
		"predicates.isSeq.pattern": "seq",
	})
	req, _ := http.NewRequest(http.MethodPut, w.URL+"/connectors/chain/config", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create connector: HTTP %d", resp.StatusCode)
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Kafka.ListenAddrs()...), kgo.ConsumeTopics("routed-seq"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var got []*kgo.Record
	for len(got) < 20 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("timed out: %d of 20 records on routed-seq", len(got))
		}
		fs.EachRecord(func(r *kgo.Record) { got = append(got, r) })
	}
	for _, r := range got {
		hs := map[string]string{}
		for _, h := range r.Headers {
			hs[h.Key] = string(h.Value)
		}
		if hs["via"] != "gonnect" || hs["negated"] != "yes" || len(r.Value) == 0 {
			t.Fatalf("record %s=%s headers %v: want via=gonnect and negated=yes", r.Key, r.Value, hs)
		}
	}
}
