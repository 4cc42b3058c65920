package rest

import (
	"context"

	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/rest/entities"
)

func (s *Server) actionRoutes(e *gin.Engine) {
	e.POST("/connectors/:c/restart", s.restartConnector)
	e.POST("/connectors/:c/tasks/:t/restart", s.restartTask)
	e.PUT("/connectors/:c/pause", s.pauseConnector)
	e.PUT("/connectors/:c/resume", s.resumeConnector)
	e.PUT("/connectors/:c/stop", s.stopConnector)
}

// boolQuery parses a boolean query parameter as JAX-RS does for Boolean: only "true"
// (any case) is true; absent gives def.
func boolQuery(c *gin.Context, name string, def bool) bool {
	v, ok := c.GetQuery(name)
	if !ok {
		return def
	}
	return strings.EqualFold(v, "true")
}

// restartConnector serves POST /connectors/{c}/restart (KIP-745): 204 for the plain
// form, 202 with the restart plan otherwise.
func (s *Server) restartConnector(c *gin.Context) {
	includeTasks := boolQuery(c, "includeTasks", false)
	onlyFailed := boolQuery(c, "onlyFailed", false)
	var extra url.Values
	if includeTasks || onlyFailed {
		extra = url.Values{"includeTasks": {strconv.FormatBool(includeTasks)}, "onlyFailed": {strconv.FormatBool(onlyFailed)}}
	}
	plan, ok := call(s, c, true, extra, func(ctx context.Context) (*entities.ConnectorStateInfo, error) {
		return s.h.RestartConnector(ctx, c.Param("c"), includeTasks, onlyFailed)
	})
	switch {
	case !ok:
	case extra == nil:
		c.Status(http.StatusNoContent)
	case plan == nil:
		c.PureJSON(http.StatusAccepted, entities.ConnectorStateInfo{Name: c.Param("c")})
	default:
		c.PureJSON(http.StatusAccepted, plan)
	}
}

// restartTask serves POST /connectors/{c}/tasks/{t}/restart (owner): 204.
func (s *Server) restartTask(c *gin.Context) {
	if t, ok := s.taskID(c); ok {
		act(s, c, true, http.StatusNoContent, func(ctx context.Context) error { return s.h.RestartTask(ctx, c.Param("c"), t) })
	}
}

// pauseConnector serves PUT /connectors/{c}/pause: 202, never forwarded.
func (s *Server) pauseConnector(c *gin.Context) {
	act(s, c, false, http.StatusAccepted, func(ctx context.Context) error { return s.h.PauseConnector(ctx, c.Param("c")) })
}

// resumeConnector serves PUT /connectors/{c}/resume: 202, never forwarded.
func (s *Server) resumeConnector(c *gin.Context) {
	act(s, c, false, http.StatusAccepted, func(ctx context.Context) error { return s.h.ResumeConnector(ctx, c.Param("c")) })
}

// stopConnector serves PUT /connectors/{c}/stop (KIP-875, leader): 204.
func (s *Server) stopConnector(c *gin.Context) {
	act(s, c, true, http.StatusNoContent, func(ctx context.Context) error { return s.h.StopConnector(ctx, c.Param("c")) })
}
