package rest

import (
	"context"

	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/rest/entities"
)

func (s *Server) pluginRoutes(e *gin.Engine) {
	e.GET("/connector-plugins", s.listPlugins)
	e.GET("/connector-plugins/:p/config", s.pluginConfig)
	e.PUT("/connector-plugins/:p/config/validate", s.validateConfig)
}

// listPlugins serves GET /connector-plugins[?connectorsOnly=false].
func (s *Server) listPlugins(c *gin.Context) {
	reply(s, c, false, func(ctx context.Context) ([]entities.PluginInfo, error) {
		ps, err := s.h.Plugins(ctx, boolQuery(c, "connectorsOnly", true))
		if ps == nil && err == nil {
			ps = []entities.PluginInfo{}
		}
		return ps, err
	})
}

// pluginConfig serves GET /connector-plugins/{p}/config (KIP-769).
func (s *Server) pluginConfig(c *gin.Context) {
	reply(s, c, false, func(ctx context.Context) ([]entities.ConfigKeyInfo, error) {
		keys, err := s.h.PluginConfig(ctx, c.Param("p"))
		if keys == nil && err == nil {
			keys = []entities.ConfigKeyInfo{}
		}
		return keys, err
	})
}

// normalizedPluginName strips a trailing "Connector", as Java does to compare a
// config's connector.class with the validate path.
func normalizedPluginName(n string) string {
	if strings.HasSuffix(n, "Connector") && len(n) > len("Connector") {
		return strings.TrimSuffix(n, "Connector")
	}
	return n
}

// validateConfig serves PUT /connector-plugins/{p}/config/validate. Validation
// failures that are not a result (no connector.class, unknown class) are 500s whose
// message is the Java exception's toString, as they escape Java's resource wrapped
// in an ExecutionException.
func (s *Server) validateConfig(c *gin.Context) {
	p := c.Param("p")
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
	if inc, ok := cfg["connector.class"]; ok && !strings.HasSuffix(normalizedPluginName(inc), normalizedPluginName(p)) {
		s.fail(c, entities.BadRequestf("Included connector type %s does not match request type %s", inc, p))
		return
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	infos, err := s.h.ValidateConfig(ctx, cfg)
	if err != nil {
		err = s.herderErr(err)
		var te *entities.TimeoutError
		if !errors.As(err, &te) {
			err = &entities.StatusError{Status: http.StatusInternalServerError, Msg: javaExceptionString(err)}
		}
		s.fail(c, err)
		return
	}
	c.PureJSON(http.StatusOK, infos)
}

// javaExceptionString renders err as the Java exception's toString would read.
func javaExceptionString(err error) string {
	var br *entities.BadRequestError
	var nf *entities.NotFoundError
	switch {
	case errors.As(err, &br):
		return fmt.Sprintf("org.apache.kafka.connect.runtime.rest.errors.BadRequestException: %s", br.Msg)
	case errors.As(err, &nf):
		return fmt.Sprintf("org.apache.kafka.connect.errors.NotFoundException: %s", nf.Msg)
	}
	return fmt.Sprintf("org.apache.kafka.connect.errors.ConnectException: %s", err.Error())
}
