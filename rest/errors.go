package rest

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/rest/entities"
)

// statusFor is the one place errors become HTTP: it returns the status, the
// error_code and the message of the {"error_code","message"} body.
func statusFor(err error) (status, code int, msg string) {
	var (
		nf   *entities.NotFoundError
		ae   *entities.AlreadyExistsError
		cf   *entities.ConflictError
		br   *entities.BadRequestError
		na   *entities.NotAllowedError
		se   *entities.StatusError
		to   *entities.TimeoutError
		tgt  entities.RequestTarget
		tooL *bodyTooLargeError
	)
	switch {
	case errors.As(err, &se):
		return se.Status, se.Code(), se.Msg
	case errors.As(err, &nf):
		return http.StatusNotFound, http.StatusNotFound, nf.Msg
	case errors.As(err, &ae):
		return http.StatusConflict, http.StatusConflict, ae.Msg
	case errors.As(err, &cf):
		return http.StatusConflict, http.StatusConflict, cf.Msg
	case errors.As(err, &br):
		return http.StatusBadRequest, http.StatusBadRequest, br.Msg
	case errors.As(err, &na):
		return http.StatusForbidden, http.StatusForbidden, na.Msg
	case errors.As(err, &to):
		return http.StatusInternalServerError, http.StatusInternalServerError, to.Error()
	case errors.As(err, &tooL):
		return http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge, tooL.Error()
	case errors.As(err, &tgt):
		// A request-target error that escaped forwarding (should not happen): 409.
		return http.StatusConflict, http.StatusConflict, entities.ErrTooManyHops.Msg
	case errors.Is(err, context.Canceled):
		return http.StatusInternalServerError, http.StatusInternalServerError, "Request interrupted"
	}
	return http.StatusInternalServerError, http.StatusInternalServerError, err.Error()
}

// Jersey's texts for routing failures.
var (
	errNoRoute     = &entities.StatusError{Status: http.StatusNotFound, Msg: "HTTP 404 Not Found"}
	errNoMethod    = &entities.StatusError{Status: http.StatusMethodNotAllowed, Msg: "HTTP 405 Method Not Allowed"}
	errMediaType   = &entities.StatusError{Status: http.StatusUnsupportedMediaType, Msg: "HTTP 415 Unsupported Media Type"}
	errUnauthorize = &entities.StatusError{Status: http.StatusUnauthorized, Msg: "User cannot access the resource."}
)

type bodyTooLargeError struct{ limit int64 }

func (e *bodyTooLargeError) Error() string {
	return "Request body is larger than the limit of " + itoa(e.limit) + " bytes"
}

// fail writes err as Connect's error body and stops the handler chain.
func (s *Server) fail(c *gin.Context, err error) {
	status, code, msg := statusFor(err)
	if status >= 500 {
		s.cfg.logger.Error("REST request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "status", status, "err", msg)
	}
	c.AbortWithStatusPureJSON(status, entities.ErrorMessage{ErrorCode: code, Message: msg})
}
