package rest

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// cors implements access.control.allow.origin / access.control.allow.methods as
// Jetty's CrossOriginFilter does for Connect: origins are a comma list ("*" for any),
// preflight requests are answered here with 200.
func (s *Server) cors(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if s.cfg.corsOrigin == "" || origin == "" || !originAllowed(s.cfg.corsOrigin, origin) {
		c.Next()
		return
	}
	methods := s.cfg.corsMethods
	if methods == "" {
		methods = "GET,POST,HEAD"
	}
	c.Header("Access-Control-Allow-Origin", origin)
	c.Header("Access-Control-Allow-Credentials", "true")
	c.Header("Vary", "Origin")
	if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
		c.Header("Access-Control-Allow-Methods", methods)
		c.Header("Access-Control-Allow-Headers", "X-Requested-With,Content-Type,Accept,Origin,Authorization")
		c.Header("Access-Control-Max-Age", "1800")
		c.AbortWithStatus(http.StatusOK)
		return
	}
	c.Next()
}

func originAllowed(allowed, origin string) bool {
	for _, a := range strings.Split(allowed, ",") {
		a = strings.TrimSpace(a)
		if a == "*" || strings.EqualFold(a, origin) {
			return true
		}
	}
	return false
}
