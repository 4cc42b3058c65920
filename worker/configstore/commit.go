package configstore

import (
	"fmt"
	"math"

	"github.com/gonnect/gonnect/worker/configstore/jsonwire"
)

// CommitRecord is commit-<name> = {"tasks":n}: it applies the staged task configs
// 0..n-1 and sets the connector's task count (0 is valid: a stopped connector).
func CommitRecord(name string, tasks int) Record {
	var o jsonwire.Object
	o.Int("tasks", int64(tasks))
	return Record{Key: CommitKey(name), Value: o.Bytes()}
}

// DecodeCommit reads a commit value's task count.
func DecodeCommit(b []byte) (int, error) { return decodeCount(b, "tasks") }

// TaskCountRecord is tasks-fencing-<name> = {"task-count":n} (KIP-618): the previous
// generation of the connector's tasks has been fenced out.
func TaskCountRecord(name string, count int) Record {
	var o jsonwire.Object
	o.Int("task-count", int64(count))
	return Record{Key: TaskCountKey(name), Value: o.Bytes()}
}

// DecodeTaskCount reads a tasks-fencing value's task count.
func DecodeTaskCount(b []byte) (int, error) { return decodeCount(b, "task-count") }

// decodeCount reads an object whose field must be a non-negative 32-bit integer
// (Java reads Integer or Long there).
func decodeCount(b []byte, field string) (int, error) {
	v, err := jsonwire.Decode(b)
	if err != nil {
		return 0, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return 0, fmt.Errorf("value should be an object but is %s", jsonwire.TypeName(v))
	}
	n, ok := jsonwire.Int(m[field])
	if !ok {
		return 0, fmt.Errorf("'%s' field should be an integer but is %s", field, jsonwire.TypeName(m[field]))
	}
	if n < 0 || n > math.MaxInt32 {
		return 0, fmt.Errorf("'%s' field %d is out of range", field, n)
	}
	return int(n), nil
}
