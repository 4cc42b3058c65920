// Package rest serves the Kafka Connect REST API (Apache Kafka Connect 3.9/4.x) on
// gin: every endpoint of connect.md §1.2 with Java's status codes, bodies and
// messages, leader forwarding (§1.4), signed internal requests (§1.5), HTTPS, basic
// authentication, CORS and admin listeners. It depends on the worker only through the
// Herder interface.
package rest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/rest/entities"
)

// Server is the REST server. Build it with New, then either Start it on its
// listeners or mount Handler (and AdminHandler) in an http.Server of your own.
// Its methods are safe for concurrent use.
type Server struct {
	h       Herder
	cfg     config
	main    *gin.Engine
	admin   *gin.Engine // nil when /admin is served on main or not at all
	client  *http.Client
	mainH   http.Handler
	adminH  http.Handler
	tlsConf *tls.Config

	headerRules []headerRule

	// mu guards servers and addrs.
	mu      sync.Mutex
	servers []*http.Server
	addrs   []string
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New builds a server for h. It validates the options (listener URLs, TLS material)
// and returns an error naming the bad setting.
func New(h Herder, opts ...Opt) (*Server, error) {
	s := &Server{h: h, cfg: defaultConfig()}
	for _, o := range opts {
		o(&s.cfg)
	}
	rules, err := parseHeaderRules(s.cfg.headerConfig)
	if err != nil {
		return nil, err
	}
	s.headerRules = rules
	needTLS := false
	for _, l := range append(append([]string(nil), s.cfg.listeners...), s.cfg.adminListeners...) {
		u, err := parseListener(l)
		if err != nil {
			return nil, err
		}
		needTLS = needTLS || u.Scheme == "https"
	}
	if s.cfg.https != nil {
		tc, err := s.cfg.https.ServerConfig()
		if err != nil {
			return nil, err
		}
		s.tlsConf = tc
	} else if needTLS {
		return nil, errors.New("listeners: an https:// listener needs listeners.https.ssl.* key store settings")
	}
	s.client = s.cfg.forwardClient
	if s.client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if s.cfg.https != nil {
			cc, err := s.cfg.https.ClientConfig()
			if err != nil {
				return nil, err
			}
			tr.TLSClientConfig = cc
		}
		s.client = &http.Client{
			Transport:     tr,
			Timeout:       s.cfg.requestTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	adminOnMain := !s.cfg.adminSet
	s.main = s.engine(true, adminOnMain)
	if s.cfg.adminSet && len(s.cfg.adminListeners) > 0 {
		s.admin = s.engine(false, true)
	}
	s.mainH = trimSlash(s.main)
	if s.admin != nil {
		s.adminH = trimSlash(s.admin)
	}
	return s, nil
}

func parseListener(l string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(l))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Port() == "" {
		return nil, fmt.Errorf("listeners: invalid listener %q: expected http://host:port or https://host:port", l)
	}
	return u, nil
}

// Handler returns the handler of the normal listeners (for httptest and tests).
func (s *Server) Handler() http.Handler { return s.mainH }

// AdminHandler returns the handler of the admin listeners, nil when admin.listeners
// is unset (then /admin is on Handler) or empty (not served).
func (s *Server) AdminHandler() http.Handler { return s.adminH }

// trimSlash makes "/connectors/" route as "/connectors", as Jersey does.
func trimSlash(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
			r.URL.Path = strings.TrimRight(p, "/")
			if r.URL.Path == "" {
				r.URL.Path = "/"
			}
			if r.URL.RawPath != "" {
				r.URL.RawPath = strings.TrimRight(r.URL.RawPath, "/")
			}
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) engine(public, admin bool) *gin.Engine {
	e := gin.New()
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = true
	e.UseEscapedPath = true
	e.UnescapePathValues = true
	e.ContextWithFallback = true
	e.Use(s.recoverer, s.logRequests, s.responseHeaders, s.cors, s.basicAuth)
	e.NoRoute(func(c *gin.Context) { s.fail(c, errNoRoute) })
	e.NoMethod(func(c *gin.Context) { s.fail(c, errNoMethod) })
	if public {
		s.rootRoutes(e)
		s.connectorRoutes(e)
		s.pluginRoutes(e)
		s.internalRoutes(e)
		s.extraRoutes(e)
	}
	if admin {
		s.loggerRoutes(e)
	}
	return e
}

// recoverer turns a panic into a 500 body instead of a dropped connection.
func (s *Server) recoverer(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.cfg.logger.Error("panic in REST handler", "method", c.Request.Method, "path", c.Request.URL.Path, "panic", fmt.Sprint(r))
			s.fail(c, fmt.Errorf("internal error: %v", r))
		}
	}()
	c.Next()
}

// logRequests logs each request at debug level, and at info when it failed. The
// Authorization header and bodies are never logged.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	st := c.Writer.Status()
	lvl := s.cfg.logger.Debug
	if st >= 400 {
		lvl = s.cfg.logger.Info
	}
	lvl("REST request", "method", c.Request.Method, "path", c.Request.URL.Path, "query", c.Request.URL.RawQuery,
		"status", st, "duration", time.Since(start), "remote", c.Request.RemoteAddr)
}

// herderErr turns a deadline into Java's 500 "Request timed out. <stage>".
func (s *Server) herderErr(err error) error {
	var te *entities.TimeoutError
	if err == nil || errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	te = &entities.TimeoutError{}
	if sr, ok := s.h.(StageReporter); ok {
		te.Stage = sr.Stage()
	}
	return te
}

// ctx returns the request's context bounded by the REST request timeout.
func (s *Server) ctx(c *gin.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request.Context(), s.cfg.requestTimeout)
}

// Start binds every listener and serves until Shutdown. It returns once all
// listeners are bound (or the first bind error).
func (s *Server) Start() error {
	type lsn struct {
		u     *url.URL
		h     http.Handler
		admin bool
	}
	var all []lsn
	for _, l := range s.cfg.listeners {
		u, _ := parseListener(l)
		all = append(all, lsn{u: u, h: s.mainH})
	}
	if s.admin != nil {
		for _, l := range s.cfg.adminListeners {
			u, _ := parseListener(l)
			all = append(all, lsn{u: u, h: s.adminH, admin: true})
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range all {
		ln, err := net.Listen("tcp", l.u.Host)
		if err != nil {
			for _, hs := range s.servers {
				_ = hs.Close()
			}
			s.servers = nil
			return fmt.Errorf("listeners: binding %s: %w", l.u, err)
		}
		hs := &http.Server{Handler: l.h, ReadHeaderTimeout: 30 * time.Second,
			ErrorLog: slog.NewLogLogger(s.cfg.logger.Handler(), slog.LevelDebug)}
		if l.u.Scheme == "https" {
			hs.TLSConfig = s.tlsConf
			ln = tls.NewListener(ln, s.tlsConf)
		}
		s.servers = append(s.servers, hs)
		s.addrs = append(s.addrs, l.u.Scheme+"://"+ln.Addr().String())
		s.cfg.logger.Info("REST listener started", "listener", l.u.String(), "address", ln.Addr().String(), "admin", l.admin)
		go func() {
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.cfg.logger.Error("REST listener stopped", "address", ln.Addr().String(), "err", err)
			}
		}()
	}
	return nil
}

// Addrs returns "scheme://host:port" of every bound listener, in the order of
// Listeners then AdminListeners.
func (s *Server) Addrs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.addrs...)
}

// Shutdown stops accepting requests and waits for in-flight ones until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	s.servers = nil
	s.mu.Unlock()
	var errs []error
	for _, hs := range servers {
		errs = append(errs, hs.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
