package rest

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"hash"
	"net/http"

	"github.com/gonnect/gonnect/rest/entities"
)

// Headers of signed internal requests (KIP-507).
const (
	SignatureHeader          = "X-Connect-Authorization"
	SignatureAlgorithmHeader = "X-Connect-Request-Signature-Algorithm"
)

// macs maps Java's Mac algorithm names to Go hashes.
var macs = map[string]func() hash.Hash{
	"HmacSHA1":   sha1.New,
	"HmacSHA224": sha256.New224,
	"HmacSHA256": sha256.New,
	"HmacSHA384": sha512.New384,
	"HmacSHA512": sha512.New,
}

// Sign returns the base64 MAC of body under key with algorithm (a Java Mac name such
// as "HmacSHA256"), the value of the X-Connect-Authorization header. An absent body is
// signed as zero bytes.
func Sign(key []byte, algorithm string, body []byte) (string, error) {
	newHash, ok := macs[algorithm]
	if !ok {
		return "", fmt.Errorf("Algorithm %s not available", algorithm)
	}
	m := hmac.New(newHash, key)
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// SignRequest sets both signature headers on req for body.
func SignRequest(req *http.Request, key []byte, algorithm string, body []byte) error {
	sig, err := Sign(key, algorithm, body)
	if err != nil {
		return err
	}
	req.Header.Set(SignatureHeader, sig)
	req.Header.Set(SignatureAlgorithmHeader, algorithm)
	return nil
}

// verify checks an internal request's signature as the Java leader does, returning
// the error to answer with (nil when valid or when the protocol does not sign).
func (s *Server) verify(h http.Header, body []byte) error {
	key, required := s.h.SessionKey()
	if !required {
		return nil
	}
	alg, sig := h.Get(SignatureAlgorithmHeader), h.Get(SignatureHeader)
	if alg == "" || sig == "" {
		return &entities.BadRequestError{Msg: "Internal request missing required signature"}
	}
	newHash, ok := macs[alg]
	if !ok {
		return entities.BadRequestf("Algorithm %s not available", alg)
	}
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return entities.BadRequestf("Illegal base64 signature: %v", err)
	}
	allowed := false
	for _, a := range s.cfg.verifyAlgs {
		allowed = allowed || a == alg
	}
	if !allowed {
		return entities.BadRequestf("This worker does not support the '%s' key signing algorithm used by other workers. "+
			"This worker is currently configured to use: %v. "+
			"Check that all workers' configuration files permit the same set of signature algorithms, "+
			"and correct any misconfigured worker and restart it.", alg, s.cfg.verifyAlgs)
	}
	if key == nil {
		return &entities.StatusError{Status: http.StatusServiceUnavailable,
			Msg: "This worker is still starting up and has not been able to read a session key from the config topic yet"}
	}
	m := hmac.New(newHash, key.Key)
	m.Write(body)
	if !hmac.Equal(m.Sum(nil), got) {
		return &entities.StatusError{Status: http.StatusForbidden, Msg: "Internal request contained invalid signature."}
	}
	return nil
}
