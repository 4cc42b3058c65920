package rest

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/logging"
	"github.com/gonnect/gonnect/rest/entities"
)

func (s *Server) loggerRoutes(e *gin.Engine) {
	e.GET("/admin/loggers", s.listLoggers)
	e.GET("/admin/loggers/:name", s.getLogger)
	e.PUT("/admin/loggers/:name", s.setLogger)
}

// listLoggers serves GET /admin/loggers: root and every logger with an explicit level.
func (s *Server) listLoggers(c *gin.Context) {
	c.PureJSON(http.StatusOK, s.cfg.levels.All())
}

// getLogger serves GET /admin/loggers/{name}.
func (s *Server) getLogger(c *gin.Context) {
	name := c.Param("name")
	l, ok := s.cfg.levels.Level(name)
	if !ok {
		s.fail(c, entities.NotFoundf("Logger %s not found.", name))
		return
	}
	c.PureJSON(http.StatusOK, l)
}

// setLogger serves PUT /admin/loggers/{name}[?scope=worker|cluster] (KIP-495,
// KIP-976): worker scope sets the level here and returns the affected loggers sorted;
// cluster scope asks the herder to publish it and returns 204.
func (s *Server) setLogger(c *gin.Context) {
	name := c.Param("name")
	b, ok := s.readBody(c)
	if !ok {
		return
	}
	var body map[string]json.RawMessage
	if len(b) > 0 {
		if err := decodeStrict(b, &body); err != nil {
			s.fail(c, err)
			return
		}
	}
	m, nulls, err := coerceConfig(body, "request")
	if err != nil {
		s.fail(c, err)
		return
	}
	_ = nulls
	level, ok := m["level"]
	if !ok {
		s.fail(c, &entities.BadRequestError{Msg: "Desired 'level' parameter was not specified in request."})
		return
	}
	if _, err := logging.ParseLevel(level); err != nil {
		s.fail(c, entities.NotFoundf("invalid log level '%s'.", level))
		return
	}
	if strings.EqualFold(c.Query("scope"), "cluster") {
		ctx, cancel := s.ctx(c)
		defer cancel()
		if err := s.h.SetClusterLoggerLevel(ctx, name, level); err != nil {
			s.fail(c, s.herderErr(err))
			return
		}
		c.Status(http.StatusNoContent)
		return
	}
	affected, err := s.cfg.levels.Set(name, level)
	if err != nil {
		s.fail(c, entities.NotFoundf("invalid log level '%s'.", level))
		return
	}
	c.PureJSON(http.StatusOK, affected)
}
