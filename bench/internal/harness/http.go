package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// client is shared by every request so connections are reused (keep-alive), as a
// REST tool polling a worker would.
var client = &http.Client{Timeout: 100 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

// Call sends one request with an optional JSON body and returns the status, the body
// and how long the round trip took (headers and the whole body read).
func Call(ctx context.Context, method, url string, body any) (int, []byte, time.Duration, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, time.Since(start), err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, b, time.Since(start), err
}

// CallOK is Call that also fails on a status outside 2xx, quoting the body.
func CallOK(ctx context.Context, method, url string, body any) ([]byte, time.Duration, error) {
	st, b, d, err := Call(ctx, method, url, body)
	if err != nil {
		return nil, d, fmt.Errorf("%s %s: %w", method, url, err)
	}
	if st < 200 || st > 299 {
		return b, d, fmt.Errorf("%s %s: HTTP %d: %s", method, url, st, bytes.TrimSpace(b))
	}
	return b, d, nil
}

// Until calls cond every interval until it returns true, an error, ctx ends or
// timeout passes; it returns when cond became true.
func Until(ctx context.Context, timeout, interval time.Duration, what string, cond func() (bool, error)) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		ok, err := cond()
		if err != nil {
			return time.Time{}, fmt.Errorf("%s: %w", what, err)
		}
		if ok {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("%s: not reached within %v", what, timeout)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-t.C:
		}
	}
}
