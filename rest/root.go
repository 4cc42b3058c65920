package rest

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/rest/entities"
)

func (s *Server) rootRoutes(e *gin.Engine) {
	e.GET("/", s.serverInfo)
	e.GET("/health", s.health)
}

// serverInfo serves GET /.
func (s *Server) serverInfo(c *gin.Context) {
	reply(s, c, false, s.h.ServerInfo)
}

// health serves GET /health (KIP-1017): 200 healthy, 503 starting, 500 unhealthy.
func (s *Server) health(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.healthTimeout)
	defer cancel()
	h := s.h.Health(ctx)
	status := http.StatusInternalServerError
	switch h.Status {
	case entities.HealthHealthy:
		status = http.StatusOK
	case entities.HealthStarting:
		status = http.StatusServiceUnavailable
	}
	c.PureJSON(status, h)
}
