package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type extraRoute struct {
	method, path string
	h            http.Handler
}

// Route serves an extra handler on the normal listeners, behind the same middleware
// (CORS, basic auth, request logging), e.g. GET /metrics for Prometheus.
func Route(method, path string, h http.Handler) Opt {
	return func(c *config) { c.extra = append(c.extra, extraRoute{method, path, h}) }
}

func (s *Server) extraRoutes(e *gin.Engine) {
	for _, r := range s.cfg.extra {
		e.Handle(r.method, r.path, gin.WrapH(r.h))
	}
}

// ForwardClient returns the HTTP client the server forwards requests with: it trusts
// the listeners.https.ssl.* trust store and presents the key store, so the herder's
// own calls to the leader (task configs) work over the same TLS setup.
func (s *Server) ForwardClient() *http.Client { return s.client }
