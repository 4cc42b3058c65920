package workertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestConcurrentPutsSerializeAtLeader sends many PUT /connectors/{c}/config requests
// for one connector at once, spread over all three workers, each with its own value
// of a key. Every request must succeed (after 409 retries, as tools do), and
// afterwards every worker must return the same stored config, equal to one of the
// bodies sent: writes serialize at the leader with no lost or mixed update.
func TestConcurrentPutsSerializeAtLeader(t *testing.T) {
	c := NewCluster(t, 3)
	ws := c.Workers()
	body := func(i int) map[string]string {
		return map[string]string{"connector.class": "io.gonnect.test.SequenceSourceConnector", "topic": "cp",
			"tasks.max": "1", "limit": "1", "batch.size": strconv.Itoa(i + 1), "poll.interval.ms": strconv.Itoa(100 + i)}
	}
	if code := put(t, ws[0].URL+"/connectors/cp/config", body(0)); code != 201 {
		t.Fatalf("create: %d", code)
	}
	const n = 12
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i-1] = put(t, ws[i%3].URL+"/connectors/cp/config", body(i))
		}(i)
	}
	wg.Wait()
	for i, code := range codes {
		if code != 200 && code != 201 {
			t.Fatalf("PUT %d answered %d", i+1, code)
		}
	}
	var final map[string]string
	Eventually(t, 30*time.Second, "all workers agree on the stored config", func() bool {
		var seen []map[string]string
		for _, w := range ws {
			resp, err := http.Get(w.URL + "/connectors/cp/config")
			if err != nil {
				return false
			}
			var cfg map[string]string
			err = json.NewDecoder(resp.Body).Decode(&cfg)
			resp.Body.Close()
			if err != nil {
				return false
			}
			seen = append(seen, cfg)
		}
		for _, s := range seen[1:] {
			if fmt.Sprint(s) != fmt.Sprint(seen[0]) {
				return false
			}
		}
		final = seen[0]
		return true
	})
	i, err := strconv.Atoi(final["batch.size"])
	if err != nil || i < 2 || i > n+1 {
		t.Fatalf("stored config %v is not one of the PUT bodies", final)
	}
	want := body(i - 1)
	want["name"] = "cp"
	if fmt.Sprint(want) != fmt.Sprint(final) {
		t.Fatalf("stored config %v mixes updates; want exactly %v", final, want)
	}
}
