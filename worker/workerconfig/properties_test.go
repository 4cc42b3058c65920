package workerconfig

import (
	"maps"
	"strings"
	"testing"
)

func TestParseProperties(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]string
		wantErr string
	}{
		{name: "equals colon and space separators", in: "a=1\nb:2\nc 3\nd\t4\ne = 5\nf : 6\ng   7",
			want: map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7"}},
		{name: "comments and blank lines", in: "# c\n! also\n   # indented\n\n  \nk=v\n",
			want: map[string]string{"k": "v"}},
		{name: "hash inside a value is literal", in: "k=a#b!c", want: map[string]string{"k": "a#b!c"}},
		{name: "key without value", in: "alone\nempty=\n", want: map[string]string{"alone": "", "empty": ""}},
		{name: "trailing whitespace kept in value", in: "k=v  \n", want: map[string]string{"k": "v  "}},
		{name: "leading whitespace of key dropped", in: "   k=v", want: map[string]string{"k": "v"}},
		{name: "continuation drops leading blanks", in: "list=a,\\\n    b,\\\n\tc\nnext=1",
			want: map[string]string{"list": "a,b,c", "next": "1"}},
		{name: "even backslashes do not continue", in: "path=C:\\\\\nnext=1",
			want: map[string]string{"path": `C:\`, "next": "1"}},
		{name: "comment line ending in backslash does not continue", in: "# c \\\nk=v", want: map[string]string{"k": "v"}},
		{name: "continuation at end of input", in: "k=v\\", want: map[string]string{"k": "v"}},
		{name: "escapes", in: `k=tab\there\nnl\rcr\fff \=\:\ \\ \q`, want: map[string]string{"k": "tab\there\nnl\rcr\fff =: \\ q"}},
		{name: "escaped separators in key", in: `my\=key\:x\ y=v`, want: map[string]string{"my=key:x y": "v"}},
		{name: "unicode escapes", in: `k=caf\u00e9 \u65E5\uD83D\uDE00`, want: map[string]string{"k": "café 日😀"}},
		{name: "utf-8 text", in: "k=日本", want: map[string]string{"k": "日本"}},
		{name: "latin-1 fallback", in: "k=caf\xe9", want: map[string]string{"k": "café"}},
		{name: "crlf and cr line ends", in: "a=1\r\nb=2\rc=3", want: map[string]string{"a": "1", "b": "2", "c": "3"}},
		{name: "last duplicate wins", in: "k=1\nk=2", want: map[string]string{"k": "2"}},
		{name: "separator then more separators", in: "k==v", want: map[string]string{"k": "=v"}},
		{name: "jaas config with quotes", in: `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`,
			want: map[string]string{"sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`}},
		{name: "malformed unicode escape", in: "ok=1\nk=\\u12G4", wantErr: `line 2: value of "k": malformed \uxxxx encoding`},
		{name: "short unicode escape", in: "k=\\u12", wantErr: "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseProperties(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEnvKey(t *testing.T) {
	tests := []struct {
		name, env, want string
	}{
		{name: "dots", env: "CONNECT_BOOTSTRAP_SERVERS", want: "bootstrap.servers"},
		{name: "long key", env: "CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR", want: "offset.storage.replication.factor"},
		{name: "double underscore is a dash", env: "CONNECT_CONFIG_PROVIDERS_MY__VAULT_CLASS", want: "config.providers.my-vault.class"},
		{name: "triple underscore is an underscore", env: "CONNECT_CONFIG_PROVIDERS_MY___VAULT_CLASS", want: "config.providers.my_vault.class"},
		{name: "prefixed override", env: "CONNECT_PRODUCER_SASL_JAAS_CONFIG", want: "producer.sasl.jaas.config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EnvKey(tt.env); got != tt.want {
				t.Fatalf("EnvKey(%s) = %s, want %s", tt.env, got, tt.want)
			}
		})
	}
	got := EnvProperties([]string{"CONNECT_GROUP_ID=g", "CONNECT_LOG4J_LOGGERS=x", "CONNECT_=y", "OTHER=z", "CONNECT_VALUE=a=b"})
	if want := map[string]string{"group.id": "g", "value": "a=b"}; !maps.Equal(got, want) {
		t.Fatalf("EnvProperties = %v, want %v", got, want)
	}
}
