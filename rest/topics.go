package rest

import (
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
	ctx, cancel := s.ctx(c)
	defer cancel()
	topics, err := s.h.ConnectorTopics(ctx, name)
	if err != nil {
		s.fail(c, s.herderErr(err))
		return
	}
	c.JSON(http.StatusOK, map[string]entities.ConnectorTopics{name: {Topics: topics}})
}

// resetConnectorTopics serves PUT /connectors/{c}/topics/reset: 202.
func (s *Server) resetConnectorTopics(c *gin.Context) {
	ctx, cancel := s.ctx(c)
	defer cancel()
	if err := s.h.ResetConnectorTopics(ctx, c.Param("c")); err != nil {
		s.fail(c, s.herderErr(err))
		return
	}
	c.Status(http.StatusAccepted)
}
