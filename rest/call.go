package rest

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// call runs one herder call under the request timeout. On a request-target error of
// a forwardable endpoint (fwd) it forwards the request and reports false; on any other
// error it writes the error body and reports false.
func call[T any](s *Server, c *gin.Context, fwd bool, extra url.Values, fn func(ctx context.Context) (T, error)) (T, bool) {
	ctx, cancel := s.ctx(c)
	defer cancel()
	v, err := fn(ctx)
	if fwd && s.forwarded(c, err, extra) {
		return v, false
	}
	if err != nil {
		s.fail(c, s.herderErr(err))
		return v, false
	}
	return v, true
}

// act is call for herder calls without a result, answering status with no body.
func act(s *Server, c *gin.Context, fwd bool, status int, fn func(ctx context.Context) error) {
	_, ok := call(s, c, fwd, nil, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx) })
	if ok {
		c.Status(status)
	}
}

// reply is call for herder calls whose result is the 200 body.
func reply[T any](s *Server, c *gin.Context, fwd bool, fn func(ctx context.Context) (T, error)) {
	if v, ok := call(s, c, fwd, nil, fn); ok {
		c.PureJSON(http.StatusOK, v)
	}
}
