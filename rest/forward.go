package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/rest/entities"
)

// forwarded handles a herder error that names another worker (not leader, not
// owner) as HerderRequestHandler.completeOrForwardRequest does: the first worker
// forwards with ?forward=true, the second with ?forward=false, the third refuses with
// 409. It reports whether it wrote the response. extra carries query parameters to
// re-append (restart's includeTasks/onlyFailed); keepHeaders lists request headers
// to copy besides Authorization (the signature headers of internal requests).
func (s *Server) forwarded(c *gin.Context, err error, extra url.Values, keepHeaders ...string) bool {
	var tgt entities.RequestTarget
	if err == nil || !errors.As(err, &tgt) {
		return false
	}
	fwd, hasFwd := c.GetQuery("forward")
	if hasFwd && strings.EqualFold(fwd, "false") {
		s.cfg.logger.Error("request could not find its target worker within two hops", "method", c.Request.Method, "path", c.Request.URL.Path)
		s.fail(c, entities.ErrTooManyHops)
		return true
	}
	target := tgt.ForwardURL()
	if target == "" {
		s.fail(c, entities.ErrNoLeaderURL)
		return true
	}
	u, perr := url.Parse(strings.TrimRight(target, "/") + c.Request.URL.EscapedPath())
	if perr != nil {
		s.fail(c, fmt.Errorf("IO Error trying to forward REST request: invalid target URL %q: %v", target, perr))
		return true
	}
	q := url.Values{}
	q.Set("forward", fmt.Sprint(!hasFwd))
	for k, vs := range extra {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u.RawQuery = q.Encode()
	body, _ := s.readBody(c)
	req, rerr := http.NewRequestWithContext(c.Request.Context(), c.Request.Method, u.String(), bytes.NewReader(body))
	if rerr != nil {
		s.fail(c, fmt.Errorf("IO Error trying to forward REST request: %v", rerr))
		return true
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "kafka-connect")
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range append([]string{"Authorization"}, keepHeaders...) {
		if v := c.Request.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	s.cfg.logger.Debug("forwarding REST request", "method", req.Method, "url", u.String())
	resp, derr := s.client.Do(req)
	if derr != nil {
		s.fail(c, fmt.Errorf("IO Error trying to forward REST request: %v", derr))
		return true
	}
	defer resp.Body.Close()
	rb, rerr := io.ReadAll(io.LimitReader(resp.Body, s.cfg.maxBody))
	if rerr != nil {
		s.fail(c, fmt.Errorf("IO Error trying to forward REST request: %v", rerr))
		return true
	}
	if resp.StatusCode >= 400 {
		var em entities.ErrorMessage
		if json.Unmarshal(rb, &em) == nil && em.Message != "" {
			s.fail(c, &entities.StatusError{Status: resp.StatusCode, ErrorCode: em.ErrorCode, Msg: em.Message})
		} else {
			s.fail(c, &entities.StatusError{Status: resp.StatusCode,
				Msg: fmt.Sprintf("Unexpected status code when handling forwarded request: %d", resp.StatusCode)})
		}
		return true
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		if lu, err := url.Parse(loc); err == nil {
			c.Header("Location", baseURL(c)+lu.EscapedPath())
		}
	}
	if len(rb) == 0 || resp.StatusCode == http.StatusNoContent {
		c.Status(resp.StatusCode)
		c.Writer.WriteHeaderNow()
		return true
	}
	c.Data(resp.StatusCode, "application/json", rb)
	return true
}

// baseURL is the scheme and host the client used, for absolute Location headers as
// Jersey renders them.
func baseURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// connectorLocation is the Location of a created connector.
func connectorLocation(c *gin.Context, name string) string {
	return baseURL(c) + "/connectors/" + url.PathEscape(name)
}
