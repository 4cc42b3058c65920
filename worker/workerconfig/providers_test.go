package workerconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigProviders(t *testing.T) {
	dir := t.TempDir()
	secrets := filepath.Join(dir, "secrets.properties")
	if err := os.WriteFile(secrets, []byte("db.password=fr0m-file\nsasl.user = alice\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secretDir := filepath.Join(dir, "k8s")
	if err := os.Mkdir(secretDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(secretDir, "password"), []byte("fr0m-dir"), 0o600); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "x.properties"), []byte("k=v"), 0o600); err != nil {
		t.Fatal(err)
	}
	environ := []string{"DB_PASSWORD=fr0m-env", "SECRET_TOKEN=t", "HOME=/root"}
	workerProps := map[string]string{
		"config.providers":                                     "env,file,directory,restricted,allowlisted",
		"config.providers.env.class":                           EnvVarProviderClass,
		"config.providers.file.class":                          FileProviderClass,
		"config.providers.directory.class":                     DirectoryProviderClass,
		"config.providers.restricted.class":                    "FileConfigProvider",
		"config.providers.restricted.param.allowed.paths":      dir,
		"config.providers.allowlisted.class":                   EnvVarProviderClass,
		"config.providers.allowlisted.param.allowlist.pattern": "DB_.*",
	}
	ps, err := NewProviders(workerProps, func() []string { return environ })
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		value   string
		want    string
		wantErr string
	}{
		{name: "env", value: "${env:DB_PASSWORD}", want: "fr0m-env"},
		{name: "file", value: "${file:" + secrets + ":db.password}", want: "fr0m-file"},
		{name: "directory", value: "${directory:" + secretDir + ":password}", want: "fr0m-dir"},
		{name: "embedded and repeated", value: "jdbc://${file:" + secrets + ":sasl.user}:${env:DB_PASSWORD}@h", want: "jdbc://alice:fr0m-env@h"},
		{name: "unknown provider left as is", value: "${vault:secret/db:pw} and ${DB_PASSWORD}", want: "${vault:secret/db:pw} and ${DB_PASSWORD}"},
		{name: "plain value", value: "no references", want: "no references"},
		{name: "allowed path", value: "${restricted:" + secrets + ":db.password}", want: "fr0m-file"},
		{name: "allowlisted env", value: "${allowlisted:DB_PASSWORD}", want: "fr0m-env"},
		{name: "missing env var", value: "${env:NOPE}", wantErr: "environment variable NOPE is not set"},
		{name: "env with path", value: "${env:x:DB_PASSWORD}", wantErr: "takes no path"},
		{name: "missing file key", value: "${file:" + secrets + ":nope}", wantErr: `has no key "nope"`},
		{name: "missing file", value: "${file:" + dir + "/none.properties:k}", wantErr: "none.properties"},
		{name: "missing directory file", value: "${directory:" + secretDir + ":nope}", wantErr: "nope"},
		{name: "directory escape", value: "${directory:" + secretDir + ":../secrets.properties}", wantErr: "is not a file name"},
		{name: "path outside allowed.paths", value: "${restricted:" + outside + "/x.properties:k}", wantErr: "is not under allowed.paths"},
		{name: "env not allowlisted", value: "${allowlisted:SECRET_TOKEN}", wantErr: "not allowed by allowlist.pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ps.ResolveValue("database.password", tt.value)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "database.password") {
					t.Fatalf("error %v, want one naming database.password and containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "fr0m") {
					t.Fatalf("error leaks a secret: %v", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestWorkerValuesResolvedOnUseRawKept(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "group"), []byte("secret-group"), 0o600); err != nil {
		t.Fatal(err)
	}
	raw := with(minimal(),
		"config.providers", "env,dir",
		"config.providers.env.class", EnvVarProviderClass,
		"config.providers.dir.class", DirectoryProviderClass,
		"group.id", "${dir:"+dir+":group}",
		"offset.flush.interval.ms", "${env:FLUSH_MS}",
	)
	c, _, err := Load("", Distributed, WithOverrides(raw), WithEnviron([]string{"FLUSH_MS=1500"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.GroupID != "secret-group" || c.OffsetFlushInterval.Milliseconds() != 1500 {
		t.Fatalf("typed values not resolved: %q %v", c.GroupID, c.OffsetFlushInterval)
	}
	if c.Raw()["group.id"] != "${dir:"+dir+":group}" {
		t.Fatalf("Raw changed: %q", c.Raw()["group.id"])
	}
	connector := map[string]string{"name": "c", "database.password": "${env:FLUSH_MS}", "other": "x"}
	resolved, err := c.Resolve(connector)
	if err != nil {
		t.Fatal(err)
	}
	if resolved["database.password"] != "1500" || connector["database.password"] != "${env:FLUSH_MS}" {
		t.Fatalf("Resolve must return a resolved copy and leave the input raw: %v / %v", resolved, connector)
	}
	if !c.Providers().HasReference(connector["database.password"]) || c.Providers().HasReference("${nope:x}") {
		t.Fatal("HasReference")
	}
	// A reference that cannot be resolved fails start-up, naming the key.
	_, _, err = Load("", Distributed, WithOverrides(with(raw, "offset.flush.interval.ms", "${env:UNSET}")), WithEnviron(nil))
	if err == nil || !strings.Contains(err.Error(), "offset.flush.interval.ms") {
		t.Fatalf("unresolvable worker value: %v", err)
	}
}

func TestProviderDeclarationErrors(t *testing.T) {
	tests := []struct {
		name    string
		props   map[string]string
		wantErr string
	}{
		{name: "missing class", props: map[string]string{"config.providers": "x"}, wantErr: `Missing required configuration "config.providers.x.class"`},
		{name: "unsupported class", props: map[string]string{"config.providers": "v", "config.providers.v.class": "io.confluent.VaultProvider"},
			wantErr: "configuration config.providers.v.class"},
		{name: "relative allowed path", props: map[string]string{"config.providers": "f", "config.providers.f.class": FileProviderClass,
			"config.providers.f.param.allowed.paths": "etc"}, wantErr: "config.providers.f.param.allowed.paths: Path etc is not absolute"},
		{name: "bad allowlist regex", props: map[string]string{"config.providers": "e", "config.providers.e.class": EnvVarProviderClass,
			"config.providers.e.param.allowlist.pattern": "("}, wantErr: "config.providers.e.param.allowlist.pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewProviders(tt.props, nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
