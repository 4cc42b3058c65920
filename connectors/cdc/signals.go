package cdc

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Signal types: Debezium's names for the actions a signal asks for, and the two
// watermark rows an incremental snapshot writes into the signal table.
const (
	SignalExecuteSnapshot = "execute-snapshot"
	SignalStopSnapshot    = "stop-snapshot"
	SignalPauseSnapshot   = "pause-snapshot"
	SignalResumeSnapshot  = "resume-snapshot"
	SignalLog             = "log"
	SignalWindowOpen      = "snapshot-window-open"
	SignalWindowClose     = "snapshot-window-close"
)

// Signal channels accepted in signal.enabled.channels, and the channel names the
// connectors put in their log lines.
const (
	SignalChannelSource = "source"
	SignalChannelKafka  = "kafka"
)

// Signal is one signal from any channel: the id, type and data columns of a row of
// signal.data.collection, or the "id", "type" and "data" fields of a record of the
// Kafka signal topic. Data is the raw JSON text of the data ("" when absent or null).
type Signal struct {
	ID, Type, Data string
}

// SignalData is the data of a signal, with Debezium's field names: data-collections
// and type for execute-snapshot and stop-snapshot, message for log.
type SignalData struct {
	DataCollections []string `json:"data-collections"`
	Type            string   `json:"type"`
	Message         string   `json:"message"`
	// AdditionalConditions is execute-snapshot's additional-conditions, kept raw:
	// Gonnect reads whole tables and only warns about it (HasConditions).
	AdditionalConditions json.RawMessage `json:"additional-conditions"`
}

// ParseData decodes the signal's data; empty data is a zero SignalData. The error
// names the signal's id and type.
func (s Signal) ParseData() (SignalData, error) {
	var d SignalData
	if strings.TrimSpace(s.Data) == "" {
		return d, nil
	}
	if err := json.Unmarshal([]byte(s.Data), &d); err != nil {
		return d, fmt.Errorf("signal %q (%s): data is not a JSON object of Debezium's signal fields: %w", s.ID, s.Type, err)
	}
	return d, nil
}

// Incremental reports whether an execute-snapshot asks for an incremental snapshot,
// the only kind a signal can start in Gonnect (type absent or "incremental", any case).
func (d SignalData) Incremental() bool {
	return d.Type == "" || strings.EqualFold(d.Type, "incremental")
}

// HasConditions reports whether additional-conditions holds anything.
func (d SignalData) HasConditions() bool {
	c := strings.TrimSpace(string(d.AdditionalConditions))
	return c != "" && c != "null" && c != "[]"
}

// ParseSignalRecord decodes the value of a Kafka signal record,
// {"id":…,"type":…,"data":{…}}; a null data gives Data "".
func ParseSignalRecord(value []byte) (Signal, error) {
	var v struct {
		ID   string          `json:"id"`
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(value, &v); err != nil {
		return Signal{}, fmt.Errorf("signal record is not a JSON object with id, type and data: %w", err)
	}
	data := string(v.Data)
	if data == "null" {
		data = ""
	}
	return Signal{ID: v.ID, Type: v.Type, Data: data}, nil
}
