package entities

import (
	"errors"
	"fmt"
	"time"
)

// The herder returns these errors; package rest maps them to HTTP in one table
// (statusFor). Each typed error carries the exact message the Java worker sends, so the
// herder picks the message and rest only picks the status. Use errors.Is with the
// sentinels below to branch on the kind, errors.As to read the data.

// Sentinels for errors.Is. The typed errors below match them through their Is method.
var (
	// ErrNotFound matches every *NotFoundError (404).
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists matches every *AlreadyExistsError (409).
	ErrAlreadyExists = errors.New("already exists")
	// ErrRebalanceNeeded is returned by queued reads and leader operations while a config
	// change that needs a rebalance has been read but the rebalance has not completed
	// (Java's RebalanceNeededException). rest answers 409 with this message.
	ErrRebalanceNeeded = &ConflictError{Msg: "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"}
	// ErrNoLeaderURL is the 409 given when a write must go to the leader but none is
	// known (NotLeaderError with an empty LeaderURL gives the same answer).
	ErrNoLeaderURL = &ConflictError{Msg: "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."}
	// ErrTooManyHops is the 409 given when a forwarded request reaches a worker that
	// would have to forward it a third time.
	ErrTooManyHops = &ConflictError{Msg: "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"}
)

// NotFoundError is a 404. Msg is the full Java message, e.g. "Connector c not found".
type NotFoundError struct{ Msg string }

func (e *NotFoundError) Error() string        { return e.Msg }
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ConnectorNotFound returns the 404 "Connector <c> not found".
func ConnectorNotFound(name string) error {
	return &NotFoundError{Msg: fmt.Sprintf("Connector %s not found", name)}
}

// NotFoundf returns a 404 with a formatted message, for the other Java texts:
// "No status found for connector %s", "No status found for task %s-%d",
// "Unknown connector: %s", "Unknown task: %s-%d", "Unknown connector %s",
// "Unknown plugin %s.", "Logger %s not found.", "Status for connector %s not found".
func NotFoundf(format string, args ...any) error {
	return &NotFoundError{Msg: fmt.Sprintf(format, args...)}
}

// AlreadyExistsError is a 409 for a create of an existing connector.
type AlreadyExistsError struct{ Msg string }

func (e *AlreadyExistsError) Error() string        { return e.Msg }
func (e *AlreadyExistsError) Is(target error) bool { return target == ErrAlreadyExists }

// ConnectorExists returns the 409 "Connector <c> already exists".
func ConnectorExists(name string) error {
	return &AlreadyExistsError{Msg: fmt.Sprintf("Connector %s already exists", name)}
}

// ConflictError is any other 409 (transient state; clients retry).
type ConflictError struct{ Msg string }

func (e *ConflictError) Error() string { return e.Msg }

// BadRequestError is a 400 (Connect's BadRequestException), e.g. an invalid config,
// "Connectors must be in the STOPPED state before their offsets can be modified. ...".
type BadRequestError struct{ Msg string }

func (e *BadRequestError) Error() string { return e.Msg }

// BadRequestf returns a 400 with a formatted message.
func BadRequestf(format string, args ...any) error {
	return &BadRequestError{Msg: fmt.Sprintf(format, args...)}
}

// NotAllowedError is a 403: the worker's configuration forbids the operation, e.g.
// "Topic tracking is disabled." or "Topic tracking reset is disabled.".
type NotAllowedError struct{ Msg string }

func (e *NotAllowedError) Error() string { return e.Msg }

// StatusError is an error with an explicit HTTP status and error_code (Java's
// ConnectRestException), used for a forwarded request's relayed failure and for
// anything the other types do not cover (503 while no session key is known, ...).
type StatusError struct {
	Status    int // HTTP status
	ErrorCode int // error_code in the body; 0 means Status
	Msg       string
}

func (e *StatusError) Error() string { return e.Msg }

// Code returns the error_code to send.
func (e *StatusError) Code() int {
	if e.ErrorCode != 0 {
		return e.ErrorCode
	}
	return e.Status
}

// NotLeaderError is returned for a leader-only operation on a follower. rest forwards
// the request to LeaderURL (Java's NotLeaderException). An empty LeaderURL means no
// leader is known: rest answers 409 ErrNoLeaderURL.
type NotLeaderError struct {
	LeaderURL string // e.g. "http://10.0.0.5:8083/"
}

func (e *NotLeaderError) Error() string {
	return fmt.Sprintf("This worker is not the leader; the request must go to %q", e.LeaderURL)
}

// ForwardURL returns where the request should be sent.
func (e *NotLeaderError) ForwardURL() string { return e.LeaderURL }

// NotAssignedError is returned by the leader for an owner-only operation (legacy
// connector restart, task restart) on a connector or task another worker runs; rest
// forwards to OwnerURL (Java's NotAssignedException).
type NotAssignedError struct {
	OwnerURL string
}

func (e *NotAssignedError) Error() string {
	return fmt.Sprintf("This worker does not run the connector or task; the request must go to %q", e.OwnerURL)
}

// ForwardURL returns where the request should be sent.
func (e *NotAssignedError) ForwardURL() string { return e.OwnerURL }

// RequestTarget is implemented by the errors that make rest forward a request.
type RequestTarget interface {
	error
	ForwardURL() string
}

// Stage is what the herder is busy with, for timeout messages (Java's Stage).
// Completed is zero while the stage is under way.
type Stage struct {
	Description string // e.g. "starting connector mysql-1"
	Started     time.Time
	Completed   time.Time
}

// Summarize renders the stage as Java's Stage.summarize does.
func (s Stage) Summarize() string {
	if !s.Completed.IsZero() {
		return fmt.Sprintf("The last operation the worker completed was %s, which began at %s and completed at %s.",
			s.Description, javaInstant(s.Started), javaInstant(s.Completed))
	}
	return fmt.Sprintf("The worker is currently %s, which began at %s.", s.Description, javaInstant(s.Started))
}

// javaInstant formats t as java.time.Instant.toString at millisecond precision:
// 2024-10-25T03:33:01Z or 2024-10-25T03:33:01.250Z.
func javaInstant(t time.Time) string {
	t = t.UTC().Truncate(time.Millisecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

// TimeoutError is a request that did not complete within the REST timeout (500).
// Stage, when known, names what the herder was doing.
type TimeoutError struct {
	Stage *Stage
}

func (e *TimeoutError) Error() string {
	if e.Stage == nil {
		return "Request timed out"
	}
	return "Request timed out. " + e.Stage.Summarize()
}
