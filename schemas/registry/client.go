package registry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

// Error is a registry failure: the operation, the subject (when any) and, when the
// registry answered, its HTTP status, error_code and message (e.g. 409 and "Schema
// being registered is incompatible with an earlier schema..."). It unwraps to the
// underlying *sr.ResponseError or transport error.
type Error struct {
	Op         string // "register", "lookup", "get schema by id", "get latest"
	Subject    string
	ID         int
	StatusCode int // 0 when the registry was not reached
	ErrorCode  int // the registry's error_code, 0 when none
	Message    string
	Err        error
}

func (e *Error) Error() string {
	target := e.Subject
	if target == "" && e.ID != 0 {
		target = fmt.Sprintf("id %d", e.ID)
	}
	if e.StatusCode == 0 {
		return fmt.Sprintf("schema registry %s %s: %v", e.Op, target, e.Err)
	}
	return fmt.Sprintf("schema registry %s %s: %s (HTTP %d, error_code %d)", e.Op, target, e.Message, e.StatusCode, e.ErrorCode)
}

func (e *Error) Unwrap() error { return e.Err }

// Transient reports whether err is worth retrying: the registry was unreachable,
// timed out, or answered 5xx/408/429. Context cancellation is never transient.
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode >= 500 || re.StatusCode == http.StatusRequestTimeout || re.StatusCode == http.StatusTooManyRequests
	}
	return true // transport errors: connection refused, reset, DNS
}

// Client talks to a schema registry through franz-go's sr.Client and caches what
// Confluent's CachedSchemaRegistryClient caches. It is safe for concurrent use.
// Every call blocks until it succeeds, fails permanently, the retry timeout is
// spent, or ctx is done.
type Client struct {
	cl      *sr.Client
	retry   time.Duration
	log     *slog.Logger
	backoff func(attempt int) time.Duration

	// mu guards the caches below.
	mu       sync.Mutex
	ids      map[subjectSchema]int       // subject + schema text → id (register and lookup)
	versions map[subjectSchema]int       // subject + schema text → version (lookup)
	byID     map[int]sr.Schema           // id → schema
	latest   map[string]sr.SubjectSchema // subject → latest version (use.latest.version)
}

type subjectSchema struct{ subject, schema string }

// New returns a client for cfg. It does not contact the registry.
func New(cfg Config) (*Client, error) {
	if len(cfg.URLs) == 0 {
		return nil, fmt.Errorf("%s: no URL given", URLConfig)
	}
	opts := []sr.ClientOpt{sr.URLs(append([]string(nil), cfg.URLs...)...), sr.UserAgent("gonnect")}
	if cfg.User != "" {
		opts = append(opts, sr.BasicAuth(cfg.User, cfg.Password))
	}
	if cfg.BearerToken != "" {
		opts = append(opts, sr.BearerToken(cfg.BearerToken))
	}
	if cfg.TLS != nil {
		opts = append(opts, sr.DialTLSConfig(cfg.TLS))
	}
	cl, err := sr.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("creating schema registry client: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Client{
		cl: cl, retry: cfg.RetryTimeout, log: log, backoff: defaultBackoff,
		ids: map[subjectSchema]int{}, versions: map[subjectSchema]int{}, byID: map[int]sr.Schema{}, latest: map[string]sr.SubjectSchema{},
	}, nil
}

// defaultBackoff doubles from 100ms up to 10s.
func defaultBackoff(attempt int) time.Duration {
	d := 100 * time.Millisecond << min(attempt, 7)
	return min(d, 10*time.Second)
}

// Register registers s under subject (or finds it already registered) and returns
// its id. Results are cached: registering the same schema text again under the same
// subject makes no request.
func (c *Client) Register(ctx context.Context, subject string, s sr.Schema) (int, error) {
	key := subjectSchema{subject, s.Schema}
	c.mu.Lock()
	id, ok := c.ids[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	err := c.do(ctx, "register", subject, 0, func(ctx context.Context) error {
		var err error
		id, err = c.cl.RegisterSchema(ctx, subject, s, -1, -1)
		return err
	})
	if err != nil {
		return 0, err
	}
	c.remember(key, id, s)
	return id, nil
}

// Lookup returns the id of s if it is registered under subject (auto.register.schemas=false);
// an unregistered schema is an *Error with the registry's 40403/40401 code.
func (c *Client) Lookup(ctx context.Context, subject string, s sr.Schema) (int, error) {
	key := subjectSchema{subject, s.Schema}
	c.mu.Lock()
	id, ok := c.ids[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	ss, err := c.lookup(ctx, subject, s)
	if err != nil {
		return 0, err
	}
	return ss.ID, nil
}

// Version returns the version of s under subject, as Confluent's deserializer
// asks for it when Kafka Connect reads a record (the Connect schema version when
// the Avro schema carries no connect.version). Cached like Lookup.
func (c *Client) Version(ctx context.Context, subject string, s sr.Schema) (int, error) {
	c.mu.Lock()
	v, ok := c.versions[subjectSchema{subject, s.Schema}]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	ss, err := c.lookup(ctx, subject, s)
	if err != nil {
		return 0, err
	}
	return ss.Version, nil
}

func (c *Client) lookup(ctx context.Context, subject string, s sr.Schema) (sr.SubjectSchema, error) {
	var ss sr.SubjectSchema
	err := c.do(ctx, "lookup", subject, 0, func(ctx context.Context) error {
		var err error
		ss, err = c.cl.LookupSchema(ctx, subject, s)
		return err
	})
	if err != nil {
		return sr.SubjectSchema{}, err
	}
	key := subjectSchema{subject, s.Schema}
	c.remember(key, ss.ID, s)
	c.mu.Lock()
	c.versions[key] = ss.Version
	c.mu.Unlock()
	return ss, nil
}

// Latest returns the latest schema registered under subject (use.latest.version),
// cached for the client's lifetime as Confluent does with latest.cache.ttl.sec=-1.
func (c *Client) Latest(ctx context.Context, subject string) (sr.SubjectSchema, error) {
	c.mu.Lock()
	ss, ok := c.latest[subject]
	c.mu.Unlock()
	if ok {
		return ss, nil
	}
	err := c.do(ctx, "get latest", subject, 0, func(ctx context.Context) error {
		var err error
		ss, err = c.cl.SchemaByVersion(ctx, subject, -1)
		return err
	})
	if err != nil {
		return sr.SubjectSchema{}, err
	}
	c.mu.Lock()
	c.latest[subject] = ss
	c.byID[ss.ID] = ss.Schema
	c.mu.Unlock()
	return ss, nil
}

// SchemaByID returns the schema with id, cached forever (ids are immutable).
func (c *Client) SchemaByID(ctx context.Context, id int) (sr.Schema, error) {
	c.mu.Lock()
	s, ok := c.byID[id]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	err := c.do(ctx, "get schema by id", "", id, func(ctx context.Context) error {
		var err error
		s, err = c.cl.SchemaByID(ctx, id)
		return err
	})
	if err != nil {
		return sr.Schema{}, err
	}
	c.mu.Lock()
	c.byID[id] = s
	c.mu.Unlock()
	return s, nil
}

func (c *Client) remember(key subjectSchema, id int, s sr.Schema) {
	c.mu.Lock()
	c.ids[key] = id
	if _, ok := c.byID[id]; !ok {
		c.byID[id] = s
	}
	c.mu.Unlock()
}

// do runs call, retrying transient failures with exponential backoff until the
// retry timeout is spent or ctx is done, and wraps the final error as *Error.
func (c *Client) do(ctx context.Context, op, subject string, id int, call func(context.Context) error) error {
	deadline := time.Now().Add(c.retry)
	for attempt := 0; ; attempt++ {
		err := call(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || !Transient(err) || c.retry <= 0 {
			return wrap(op, subject, id, err)
		}
		wait := c.backoff(attempt)
		if time.Now().Add(wait).After(deadline) {
			return wrap(op, subject, id, fmt.Errorf("giving up after %d attempts within %s: %w", attempt+1, c.retry, err))
		}
		c.log.Warn("schema registry request failed, retrying", "op", op, "subject", subject, "attempt", attempt+1, "backoff", wait, "error", err.Error())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return wrap(op, subject, id, ctx.Err())
		case <-t.C:
		}
	}
}

func wrap(op, subject string, id int, err error) error {
	e := &Error{Op: op, Subject: subject, ID: id, Err: err}
	var re *sr.ResponseError
	if errors.As(err, &re) {
		e.StatusCode, e.ErrorCode, e.Message = re.StatusCode, re.ErrorCode, re.Error()
	}
	return e
}
