package rest

import (
	"context"

	"encoding/json"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/rest/entities"
)

func (s *Server) offsetRoutes(e *gin.Engine) {
	e.GET("/connectors/:c/offsets", s.getOffsets)
	e.PATCH("/connectors/:c/offsets", s.alterOffsets)
	e.DELETE("/connectors/:c/offsets", s.resetOffsets)
}

// getOffsets serves GET /connectors/{c}/offsets (KIP-875).
func (s *Server) getOffsets(c *gin.Context) {
	reply(s, c, false, func(ctx context.Context) (entities.ConnectorOffsets, error) { return s.h.Offsets(ctx, c.Param("c")) })
}

// errNoOffsets is Java's 400 for a PATCH without offsets.
var errNoOffsets = &entities.BadRequestError{Msg: "Partitions / offsets need to be provided for an alter offsets request"}

// alterOffsets serves PATCH /connectors/{c}/offsets (leader; connector STOPPED).
func (s *Server) alterOffsets(c *gin.Context) {
	b, ok := s.readBody(c)
	if !ok {
		return
	}
	if len(b) == 0 {
		s.fail(c, errNoOffsets)
		return
	}
	var raw struct {
		Offsets []struct {
			Partition json.RawMessage `json:"partition"`
			Offset    json.RawMessage `json:"offset"`
		} `json:"offsets"`
	}
	if err := decodeStrict(b, &raw); err != nil {
		s.fail(c, err)
		return
	}
	if len(raw.Offsets) == 0 {
		s.fail(c, errNoOffsets)
		return
	}
	req := entities.ConnectorOffsets{Offsets: make([]entities.ConnectorOffset, 0, len(raw.Offsets))}
	for i, o := range raw.Offsets {
		var p, off map[string]any
		if err := decodeStrict(o.Partition, &p); err != nil || p == nil {
			s.fail(c, entities.BadRequestf("Partitions / offsets need to be provided for an alter offsets request: offsets[%d].partition must be a JSON object", i))
			return
		}
		if len(o.Offset) > 0 && string(o.Offset) != "null" {
			if err := decodeStrict(o.Offset, &off); err != nil {
				s.fail(c, entities.BadRequestf("offsets[%d].offset must be a JSON object or null", i))
				return
			}
		}
		req.Offsets = append(req.Offsets, entities.ConnectorOffset{Partition: numbers(p), Offset: numbers(off)})
	}
	reply(s, c, true, func(ctx context.Context) (entities.Message, error) { return s.h.AlterOffsets(ctx, c.Param("c"), req) })
}

// numbers turns json.Number values into int64 when integral, else float64, as
// Jackson reads offsets (integral numbers as Integer/Long).
func numbers(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				m[k] = i
			} else if f, err := n.Float64(); err == nil {
				m[k] = f
			}
		}
	}
	return m
}

// resetOffsets serves DELETE /connectors/{c}/offsets (leader; connector STOPPED).
func (s *Server) resetOffsets(c *gin.Context) {
	reply(s, c, true, func(ctx context.Context) (entities.Message, error) { return s.h.ResetOffsets(ctx, c.Param("c")) })
}
