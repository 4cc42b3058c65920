package entities

// ConfigKeyInfo is a config key definition, as in GET /connector-plugins/{p}/config and
// the "definition" of validation results. DefaultValue is null when the key is required
// or its default is null. The group position is serialized as "order".
type ConfigKeyInfo struct {
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Required      bool     `json:"required"`
	DefaultValue  *string  `json:"default_value"`
	Importance    string   `json:"importance"`
	Documentation string   `json:"documentation"`
	Group         string   `json:"group"` // "" renders as null
	Order         int      `json:"order"`
	Width         string   `json:"width"`
	DisplayName   string   `json:"display_name"`
	Dependents    []string `json:"dependents"`
}

// MarshalJSON renders nil Dependents as [] and an empty Group as null.
func (k ConfigKeyInfo) MarshalJSON() ([]byte, error) {
	type plain ConfigKeyInfo
	out := struct {
		plain
		Group *string `json:"group"`
	}{plain: plain(k)}
	if out.Dependents == nil {
		out.Dependents = []string{}
	}
	if k.Group != "" {
		out.Group = &k.Group
	}
	return marshal(out)
}

// ConfigValueInfo is the "value" of a validation result. Value is null when unset with
// no default; PASSWORD values are "[hidden]"; LIST values are joined with ",".
type ConfigValueInfo struct {
	Name              string   `json:"name"`
	Value             *string  `json:"value"`
	RecommendedValues []string `json:"recommended_values"`
	Errors            []string `json:"errors"`
	Visible           bool     `json:"visible"`
}

// MarshalJSON renders nil slices as [].
func (v ConfigValueInfo) MarshalJSON() ([]byte, error) {
	type plain ConfigValueInfo
	if v.RecommendedValues == nil {
		v.RecommendedValues = []string{}
	}
	if v.Errors == nil {
		v.Errors = []string{}
	}
	return marshal(plain(v))
}

// ConfigInfo pairs a definition with its value; either may be null.
type ConfigInfo struct {
	Definition *ConfigKeyInfo   `json:"definition"`
	Value      *ConfigValueInfo `json:"value"`
}

// ConfigInfos is the body of PUT /connector-plugins/{p}/config/validate. Name is the
// connector.class as supplied; ErrorCount is the sum of all values' errors; Groups are
// the framework groups then the connector's.
type ConfigInfos struct {
	Name       string       `json:"name"`
	ErrorCount int          `json:"error_count"`
	Groups     []string     `json:"groups"`
	Configs    []ConfigInfo `json:"configs"`
}

// MarshalJSON renders nil slices as [].
func (c ConfigInfos) MarshalJSON() ([]byte, error) {
	type plain ConfigInfos
	if c.Groups == nil {
		c.Groups = []string{}
	}
	if c.Configs == nil {
		c.Configs = []ConfigInfo{}
	}
	return marshal(plain(c))
}

// ConnectorOffset is one source partition (or sink topic-partition) and its offset. A
// nil Offset in a PATCH request resets that partition.
type ConnectorOffset struct {
	Partition map[string]any `json:"partition"`
	Offset    map[string]any `json:"offset"`
}

// ConnectorOffsets is the body of GET /connectors/{c}/offsets and of a PATCH request:
// {"offsets":[{"partition":{...},"offset":{...}}]}.
type ConnectorOffsets struct {
	Offsets []ConnectorOffset `json:"offsets"`
}

// MarshalJSON renders nil Offsets as [].
func (o ConnectorOffsets) MarshalJSON() ([]byte, error) {
	type plain ConnectorOffsets
	if o.Offsets == nil {
		o.Offsets = []ConnectorOffset{}
	}
	return marshal(plain(o))
}

// Messages of offsets PATCH and DELETE responses (KIP-875).
const (
	OffsetsAltered         = "The offsets for this connector have been altered successfully"
	OffsetsAlteredExternal = "The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses."
	OffsetsReset           = "The offsets for this connector have been reset successfully"
	OffsetsResetExternal   = "The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses."
	// OffsetsNotStopped is the 400 when the connector is not STOPPED; format with the name.
	OffsetsNotStopped = "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%s/stop' endpoint"
)

// SessionKey is the inter-worker key internal requests are signed with (KIP-507).
type SessionKey struct {
	Key       []byte
	Algorithm string // e.g. "HmacSHA256"
}
