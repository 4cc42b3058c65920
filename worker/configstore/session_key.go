package configstore

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/gonnect/gonnect/worker/configstore/jsonwire"
)

// SessionKey is the KIP-507 key the leader distributes to sign internal REST requests.
type SessionKey struct {
	Key       []byte
	Algorithm string // a Java Mac algorithm name, e.g. "HmacSHA256"
	Created   time.Time
}

// String hides the key material, so a SessionKey can be logged.
func (k SessionKey) String() string {
	return fmt.Sprintf("SessionKey{algorithm=%s, created=%d, key=[hidden]}", k.Algorithm, k.Created.UnixMilli())
}

// SessionKeyRecord is session-key = {"key":"<base64>","algorithm":..,"creation-timestamp":<ms>}.
// The key is standard base64 with padding (java.util.Base64.getEncoder).
func SessionKeyRecord(k SessionKey) Record {
	var o jsonwire.Object
	o.String("key", base64.StdEncoding.EncodeToString(k.Key))
	o.String("algorithm", k.Algorithm)
	o.Int("creation-timestamp", k.Created.UnixMilli())
	return Record{Key: SessionKeyKey, Value: o.Bytes()}
}

// DecodeSessionKey reads a session-key value. A null value is an error: the key is
// never deleted.
func DecodeSessionKey(b []byte) (SessionKey, error) {
	v, err := jsonwire.Decode(b)
	if err != nil {
		return SessionKey{}, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return SessionKey{}, fmt.Errorf("value should be an object but is %s", jsonwire.TypeName(v))
	}
	enc, ok := m["key"].(string)
	if !ok {
		return SessionKey{}, fmt.Errorf("'key' field should be a string but is %s", jsonwire.TypeName(m["key"]))
	}
	// Java's basic decoder accepts the padding but does not require it.
	key, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(enc, "="))
	if err != nil {
		return SessionKey{}, fmt.Errorf("'key' field is not base64: %w", err)
	}
	alg, ok := m["algorithm"].(string)
	if !ok {
		return SessionKey{}, fmt.Errorf("'algorithm' field should be a string but is %s", jsonwire.TypeName(m["algorithm"]))
	}
	ms, ok := jsonwire.Int(m["creation-timestamp"])
	if !ok {
		return SessionKey{}, fmt.Errorf("'creation-timestamp' field should be a 64-bit integer but is %s", jsonwire.TypeName(m["creation-timestamp"]))
	}
	return SessionKey{Key: key, Algorithm: alg, Created: time.UnixMilli(ms).UTC()}, nil
}
