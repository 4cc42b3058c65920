package rest

import (
	"context"

	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/rest/entities"
)

// MaxConnectorNameLength bounds connector names on create. Java sets no limit; names
// end up in consumer group ids, client ids, DLQ and metric names, so Gonnect refuses
// names longer than a Kafka topic name may be.
const MaxConnectorNameLength = 249

func (s *Server) connectorRoutes(e *gin.Engine) {
	e.GET("/connectors", s.listConnectors)
	e.POST("/connectors", s.createConnector)
	e.GET("/connectors/:c", s.getConnector)
	e.DELETE("/connectors/:c", s.deleteConnector)
	e.GET("/connectors/:c/config", s.getConnectorConfig)
	e.PUT("/connectors/:c/config", s.putConnectorConfig)
	e.PATCH("/connectors/:c/config", s.patchConnectorConfig)
	e.GET("/connectors/:c/status", s.connectorStatus)
	e.GET("/connectors/:c/tasks", s.taskConfigs)
	e.GET("/connectors/:c/tasks-config", s.tasksConfig)
	e.GET("/connectors/:c/tasks/:t/status", s.taskStatus)
	s.actionRoutes(e)
	s.offsetRoutes(e)
	s.topicRoutes(e)
}

// listConnectors serves GET /connectors[?expand=status&expand=info].
func (s *Server) listConnectors(c *gin.Context) {
	ctx, cancel := s.ctx(c)
	defer cancel()
	names, err := s.h.Connectors(ctx)
	if err != nil {
		s.fail(c, s.herderErr(err))
		return
	}
	if names == nil {
		names = []string{}
	}
	expand, ok := c.GetQueryArray("expand")
	if !ok {
		c.PureJSON(http.StatusOK, names)
		return
	}
	out := make(map[string]entities.ConnectorExpanded, len(names))
	for _, n := range names {
		var x entities.ConnectorExpanded
		var err error
		for _, e := range expand {
			switch e {
			case "status":
				var st entities.ConnectorStateInfo
				if st, err = s.h.ConnectorStatus(ctx, n); err == nil {
					x.Status = &st
				}
			case "info":
				var info entities.ConnectorInfo
				if info, err = s.h.ConnectorInfo(ctx, n); err == nil {
					x.Info = &info
				}
			}
			if err != nil {
				break
			}
		}
		if errors.Is(err, entities.ErrNotFound) {
			continue // deleted while we looked it up
		}
		if err != nil {
			s.fail(c, s.herderErr(err))
			return
		}
		out[n] = x
	}
	c.PureJSON(http.StatusOK, out)
}

// createConnector serves POST /connectors.
func (s *Server) createConnector(c *gin.Context) {
	b, ok := s.readBody(c)
	if !ok {
		return
	}
	var raw map[string]json.RawMessage
	if err := decodeStrict(b, &raw); err != nil {
		s.fail(c, err)
		return
	}
	name := ""
	if v, ok := raw["name"]; ok {
		m, nulls, err := coerceConfig(map[string]json.RawMessage{"name": v}, "request")
		if err != nil {
			s.fail(c, err)
			return
		}
		if len(nulls) == 0 {
			name = strings.TrimSpace(m["name"])
		}
	}
	cfgRaw, ok := raw["config"]
	if !ok || string(cfgRaw) == "null" {
		s.fail(c, &entities.BadRequestError{Msg: "Connector config must be provided in the \"config\" field of the request"})
		return
	}
	cfg, nulls, err := configMap(cfgRaw, "config")
	if err != nil {
		s.fail(c, err)
		return
	}
	var initial *entities.TargetState
	if v, ok := raw["initial_state"]; ok && string(v) != "null" {
		var st string
		if err := json.Unmarshal(v, &st); err != nil {
			s.fail(c, &entities.BadRequestError{Msg: "initial_state must be one of RUNNING, PAUSED, STOPPED"})
			return
		}
		if initial, err = entities.ParseInitialState(st); err != nil {
			s.fail(c, err)
			return
		}
	}
	if err := checkName(name, cfg); err != nil {
		s.fail(c, err)
		return
	}
	if len(nulls) > 0 {
		s.fail(c, nullValuesError(len(nulls)))
		return
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	info, _, err := s.h.PutConnectorConfig(ctx, name, cfg, false, initial)
	if s.forwarded(c, err, nil) {
		return
	}
	if err != nil {
		s.fail(c, s.herderErr(err))
		return
	}
	c.Header("Location", connectorLocation(c, name))
	c.PureJSON(http.StatusCreated, info)
}

// checkName applies the REST layer's name rules and injects "name" into cfg: a
// config "name" must equal the connector name (400, Java's message), and names are
// bounded in length. Empty names and control characters are reported by validation.
func checkName(name string, cfg map[string]string) error {
	if n := utf8.RuneCountInString(name); n > MaxConnectorNameLength {
		return entities.BadRequestf("Connector name is too long: %d characters, at most %d are allowed", n, MaxConnectorNameLength)
	}
	if inc, ok := cfg["name"]; ok {
		if inc != name {
			return entities.BadRequestf("Connector name configuration (%s) doesn't match connector name in the URL (%s)", inc, name)
		}
		return nil
	}
	cfg["name"] = name
	return nil
}

// getConnector serves GET /connectors/{c}.
func (s *Server) getConnector(c *gin.Context) {
	reply(s, c, false, func(ctx context.Context) (entities.ConnectorInfo, error) { return s.h.ConnectorInfo(ctx, c.Param("c")) })
}

// deleteConnector serves DELETE /connectors/{c} (leader).
func (s *Server) deleteConnector(c *gin.Context) {
	act(s, c, true, http.StatusNoContent, func(ctx context.Context) error { return s.h.DeleteConnector(ctx, c.Param("c")) })
}

// getConnectorConfig serves GET /connectors/{c}/config: exactly the stored config.
func (s *Server) getConnectorConfig(c *gin.Context) {
	reply(s, c, false, func(ctx context.Context) (map[string]string, error) {
		cfg, err := s.h.ConnectorConfig(ctx, c.Param("c"))
		if cfg == nil && err == nil {
			cfg = map[string]string{}
		}
		return cfg, err
	})
}

// putConnectorConfig serves PUT /connectors/{c}/config: 201 created, 200 replaced.
func (s *Server) putConnectorConfig(c *gin.Context) {
	name := c.Param("c")
	b, ok := s.readBody(c)
	if !ok {
		return
	}
	cfg, nulls, err := configMap(b, "config")
	if err != nil {
		s.fail(c, err)
		return
	}
	if cfg == nil && len(nulls) == 0 {
		s.fail(c, &entities.BadRequestError{Msg: "Connector config must be provided as the request body"})
		return
	}
	if err := checkName(name, cfg); err != nil {
		s.fail(c, err)
		return
	}
	if len(nulls) > 0 {
		s.fail(c, nullValuesError(len(nulls)))
		return
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	info, created, err := s.h.PutConnectorConfig(ctx, name, cfg, true, nil)
	if s.forwarded(c, err, nil) {
		return
	}
	if err != nil {
		s.fail(c, s.herderErr(err))
		return
	}
	if created {
		c.Header("Location", connectorLocation(c, name))
		c.PureJSON(http.StatusCreated, info)
		return
	}
	c.PureJSON(http.StatusOK, info)
}

// patchConnectorConfig serves PATCH /connectors/{c}/config (KIP-477): null deletes.
func (s *Server) patchConnectorConfig(c *gin.Context) {
	b, ok := s.readBody(c)
	if !ok {
		return
	}
	cfg, nulls, err := configMap(b, "config patch")
	if err != nil {
		s.fail(c, err)
		return
	}
	patch := make(map[string]*string, len(cfg)+len(nulls))
	for k, v := range cfg {
		patch[k] = &v
	}
	for _, k := range nulls {
		patch[k] = nil
	}
	reply(s, c, true, func(ctx context.Context) (entities.ConnectorInfo, error) {
		return s.h.PatchConnectorConfig(ctx, c.Param("c"), patch)
	})
}

// connectorStatus serves GET /connectors/{c}/status.
func (s *Server) connectorStatus(c *gin.Context) {
	reply(s, c, false, func(ctx context.Context) (entities.ConnectorStateInfo, error) {
		return s.h.ConnectorStatus(ctx, c.Param("c"))
	})
}

// taskConfigs serves GET /connectors/{c}/tasks.
func (s *Server) taskConfigs(c *gin.Context) {
	reply(s, c, false, func(ctx context.Context) ([]entities.TaskInfo, error) {
		tasks, err := s.h.TaskConfigs(ctx, c.Param("c"))
		if tasks == nil && err == nil {
			tasks = []entities.TaskInfo{}
		}
		return tasks, err
	})
}

// tasksConfig serves the deprecated GET /connectors/{c}/tasks-config:
// {"<c>-<t>": {...}}.
func (s *Server) tasksConfig(c *gin.Context) {
	reply(s, c, false, func(ctx context.Context) (map[string]map[string]string, error) {
		tasks, err := s.h.TaskConfigs(ctx, c.Param("c"))
		out := make(map[string]map[string]string, len(tasks))
		for _, t := range tasks {
			out[t.ID.String()] = t.Config
		}
		return out, err
	})
}

// taskID parses the {t} path segment as Java's Integer; a non-integer is Jersey's
// plain 404.
func (s *Server) taskID(c *gin.Context) (int, bool) {
	t, err := strconv.ParseInt(c.Param("t"), 10, 32)
	if err != nil {
		s.fail(c, errNoRoute)
		return 0, false
	}
	return int(t), true
}

// taskStatus serves GET /connectors/{c}/tasks/{t}/status.
func (s *Server) taskStatus(c *gin.Context) {
	if t, ok := s.taskID(c); ok {
		reply(s, c, false, func(ctx context.Context) (entities.TaskState, error) { return s.h.TaskStatus(ctx, c.Param("c"), t) })
	}
}
