package rest

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gonnect/gonnect/logging"
)

// Opt configures a Server. Options are applied in order by New.
type Opt func(*config)

type config struct {
	logger         *slog.Logger
	listeners      []string
	adminListeners []string
	adminSet       bool
	requestTimeout time.Duration
	healthTimeout  time.Duration
	maxBody        int64
	https          *TLSSettings
	forwardClient  *http.Client
	verifyAlgs     []string
	users          map[string]string
	authExemptRoot bool
	corsOrigin     string
	corsMethods    string
	levels         *logging.Levels
	headerConfig   string
	extra          []extraRoute
}

func defaultConfig() config {
	return config{
		logger:         slog.Default(),
		listeners:      []string{"http://:8083"},
		requestTimeout: 90 * time.Second,
		healthTimeout:  10 * time.Second,
		maxBody:        16 << 20,
		verifyAlgs:     []string{"HmacSHA256"},
		levels:         logging.Default,
	}
}

// WithLogger sets the logger for request logs. Default slog.Default().
func WithLogger(l *slog.Logger) Opt { return func(c *config) { c.logger = l } }

// Listeners sets the URLs to listen on, "http://host:port" or "https://host:port"; an
// empty host means all interfaces and port 0 an ephemeral port. Mirrors the worker
// property listeners; default ["http://:8083"].
func Listeners(urls ...string) Opt { return func(c *config) { c.listeners = urls } }

// AdminListeners sets where /admin/* is served (worker property admin.listeners).
// Not calling it (null): on the normal listeners. Called with no URLs (""): not
// served at all. Otherwise only on these listeners.
func AdminListeners(urls ...string) Opt {
	return func(c *config) { c.adminListeners, c.adminSet = urls, true }
}

// RequestTimeout bounds each herder call; on expiry the request fails with 500
// "Request timed out. <stage>". Default 90 s (Java's DEFAULT_REST_REQUEST_TIMEOUT_MS).
func RequestTimeout(d time.Duration) Opt { return func(c *config) { c.requestTimeout = d } }

// HealthTimeout bounds GET /health. Default 10 s.
func HealthTimeout(d time.Duration) Opt { return func(c *config) { c.healthTimeout = d } }

// MaxBodyBytes limits request bodies; larger bodies get 413. Default 16 MiB.
func MaxBodyBytes(n int64) Opt { return func(c *config) { c.maxBody = n } }

// HTTPS sets the TLS material for https:// listeners and for forwarding to https
// workers (worker properties listeners.https.ssl.*, see TLSSettingsFromProps).
func HTTPS(s TLSSettings) Opt { return func(c *config) { c.https = &s } }

// ForwardClient sets the HTTP client used to forward requests to the leader or owner.
// Default: a client that follows no redirects, with the HTTPS client settings.
func ForwardClient(cl *http.Client) Opt { return func(c *config) { c.forwardClient = cl } }

// VerificationAlgorithms sets the MAC algorithms accepted on signed internal requests
// (inter.worker.verification.algorithms). Default ["HmacSHA256"].
func VerificationAlgorithms(algs ...string) Opt { return func(c *config) { c.verifyAlgs = algs } }

// BasicAuth turns on HTTP basic authentication against users (name → password), as
// Kafka's BasicAuthSecurityRestExtension does; see LoadBasicAuthUsers. Internal
// endpoints (POST /connectors/{c}/tasks, PUT /connectors/{c}/fence) are exempt, as in
// Java, since they carry their own signature. Default off.
func BasicAuth(users map[string]string) Opt { return func(c *config) { c.users = users } }

// BasicAuthExemptRoot lets GET / and GET /health through without credentials (for
// load-balancer and Kubernetes probes). Default false: every path needs credentials.
func BasicAuthExemptRoot(exempt bool) Opt { return func(c *config) { c.authExemptRoot = exempt } }

// CORS sets access.control.allow.origin and access.control.allow.methods. An empty
// origin (the default) turns CORS off; empty methods mean "GET,POST,HEAD" (Jetty's
// CrossOriginFilter default).
func CORS(allowOrigin, allowMethods string) Opt {
	return func(c *config) { c.corsOrigin, c.corsMethods = allowOrigin, allowMethods }
}

// Loggers sets the per-namespace level registry behind /admin/loggers. Default
// logging.Default.
func Loggers(l *logging.Levels) Opt { return func(c *config) { c.levels = l } }
