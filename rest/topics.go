package rest

import (
	"context"

	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/rest/entities"
)

func (s *Server) topicRoutes(e *gin.Engine) {
	e.GET("/connectors/:c/topics", s.connectorTopics)
	e.PUT("/connectors/:c/topics/reset", s.resetConnectorTopics)
}

// connectorTopics serves GET /connectors/{c}/topics (KIP-558):
// {"<c>":{"topics":[...]}}, 200 with an empty list for an unknown connector.
func (s *Server) connectorTopics(c *gin.Context) {
	name := c.Param("c")
	reply(s, c, false, func(ctx context.Context) (map[string]entities.ConnectorTopics, error) {
		topics, err := s.h.ConnectorTopics(ctx, name)
		return map[string]entities.ConnectorTopics{name: {Topics: topics}}, err
	})
}

// resetConnectorTopics serves PUT /connectors/{c}/topics/reset: 202.
func (s *Server) resetConnectorTopics(c *gin.Context) {
	act(s, c, false, http.StatusAccepted, func(ctx context.Context) error { return s.h.ResetConnectorTopics(ctx, c.Param("c")) })
}
