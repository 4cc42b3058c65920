package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *Server) internalRoutes(e *gin.Engine) {
	e.POST("/connectors/:c/tasks", s.putTaskConfigs)
	e.PUT("/connectors/:c/fence", s.fenceZombies)
}

// putTaskConfigs serves the internal POST /connectors/{c}/tasks: a JSON array of task
// configs signed with the session key; 204.
func (s *Server) putTaskConfigs(c *gin.Context) {
	b, ok := s.readBody(c)
	if !ok {
		return
	}
	if err := s.verify(c.Request.Header, b); err != nil {
		s.fail(c, err)
		return
	}
	var configs []map[string]string
	if err := decodeStrict(b, &configs); err != nil {
		s.fail(c, err)
		return
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	err := s.h.PutTaskConfigs(ctx, c.Param("c"), configs)
	// Unlike Java, the signature headers travel with the forwarded request, so a
	// second hop can still verify it (the raw body is forwarded unchanged).
	if s.forwarded(c, err, nil, SignatureHeader, SignatureAlgorithmHeader) {
		return
	}
	if err != nil {
		s.fail(c, s.herderErr(err))
		return
	}
	c.Status(http.StatusNoContent)
}

// fenceZombies serves the internal PUT /connectors/{c}/fence (KIP-618); 204.
func (s *Server) fenceZombies(c *gin.Context) {
	b, ok := s.readBody(c)
	if !ok {
		return
	}
	if err := s.verify(c.Request.Header, b); err != nil {
		s.fail(c, err)
		return
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	err := s.h.FenceZombies(ctx, c.Param("c"))
	if s.forwarded(c, err, nil, SignatureHeader, SignatureAlgorithmHeader) {
		return
	}
	if err != nil {
		s.fail(c, s.herderErr(err))
		return
	}
	c.Status(http.StatusNoContent)
}
