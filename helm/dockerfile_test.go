package helm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with continuation lines joined.
type instruction struct {
	Line int
	Cmd  string // upper case: FROM, RUN, COPY, ...
	Args string
}

// stage is one FROM and the instructions under it.
type stage struct {
	Image, Name string
	Ins         []instruction
}

// parseDockerfile splits a Dockerfile into stages. It understands comments, the
// backslash line continuation and "FROM image AS name"; enough for the checks below.
func parseDockerfile(t *testing.T, path string) (args map[string]string, stages []stage) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	args = map[string]string{}
	var cur strings.Builder
	start := 0
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		if s == "" {
			return
		}
		cmd, rest, _ := strings.Cut(s, " ")
		in := instruction{Line: start, Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(rest)}
		switch {
		case in.Cmd == "FROM":
			f := strings.Fields(in.Args)
			st := stage{Image: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.Name = f[2]
			}
			stages = append(stages, st)
		case len(stages) == 0 && in.Cmd == "ARG":
			k, v, _ := strings.Cut(in.Args, "=")
			args[k] = v
		case len(stages) == 0:
			t.Fatalf("%s:%d: %s before the first FROM", path, in.Line, in.Cmd)
		default:
			stages[len(stages)-1].Ins = append(stages[len(stages)-1].Ins, in)
		}
	}
	for i, l := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(t, `\`) {
			cur.WriteString(strings.TrimSuffix(t, `\`) + " ")
			continue
		}
		cur.WriteString(t)
		flush()
	}
	flush()
	return args, stages
}

func (s stage) all(cmd string) []string {
	var out []string
	for _, in := range s.Ins {
		if in.Cmd == cmd {
			out = append(out, in.Args)
		}
	}
	return out
}

func (s stage) last(cmd string) string {
	a := s.all(cmd)
	if len(a) == 0 {
		return ""
	}
	return a[len(a)-1]
}

func TestDockerfiles(t *testing.T) {
	root := repoRoot(t)
	goMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(goMod)
	if goVersion == nil {
		t.Fatal("go.mod has no go directive")
	}

	// The chart's command and args with no declared connectors: what the image must run.
	r, err := decodeAll(renderValues(t, filepath.Join(chartDir(t), "ci", "default-values.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	c := container(t, r.deployments[0])
	chartCmd := append(append([]string{}, c.Command...), c.Args...)
	ro := c.SecurityContext.RunAsUser
	if ro == nil {
		ro = r.deployments[0].Spec.Template.Spec.SecurityContext.RunAsUser
	}

	tests := []struct {
		name    string
		file    string
		runtime *regexp.Regexp
		extra   func(t *testing.T, final stage, stages []stage)
	}{
		{name: "default image", file: "Dockerfile", runtime: regexp.MustCompile(`^gcr\.io/distroless/`)},
		{name: "oracle image", file: "Dockerfile.oracle", runtime: regexp.MustCompile(`^debian:[a-z]+-slim$`),
			extra: func(t *testing.T, final stage, stages []stage) {
				env := strings.Join(final.all("ENV"), "\n")
				m := regexp.MustCompile(`LD_LIBRARY_PATH=(\S+)`).FindStringSubmatch(env)
				if m == nil {
					t.Fatal("runtime stage sets no LD_LIBRARY_PATH")
				}
				var copied bool
				for _, cp := range final.all("COPY") {
					if f := strings.Fields(cp); strings.HasPrefix(cp, "--from=") && f[len(f)-1] == m[1] {
						copied = true
					}
				}
				if !copied {
					t.Errorf("nothing is copied into LD_LIBRARY_PATH %s", m[1])
				}
				if !strings.Contains(strings.Join(final.all("RUN"), " "), "libaio") {
					t.Error("the runtime stage does not install libaio, which Instant Client needs")
				}
				var ic bool
				for _, s := range stages {
					if strings.Contains(strings.Join(s.all("RUN"), " "), "instantclient") {
						ic = true
					}
				}
				if !ic {
					t.Error("no stage fetches Oracle Instant Client")
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args, stages := parseDockerfile(t, filepath.Join(root, tc.file))
			if len(stages) < 2 {
				t.Fatalf("%d stages, want a multi-stage build", len(stages))
			}
			build := stages[0]
			if !strings.HasPrefix(build.Image, "golang:") || build.Name == "" {
				t.Errorf("first stage FROM %s AS %q, want a named golang builder", build.Image, build.Name)
			}
			if gv := args["GO_VERSION"]; gv != string(goVersion[1]) || !strings.Contains(build.Image, "${GO_VERSION}") {
				t.Errorf("builder Go %q (image %s), want go.mod's %s", gv, build.Image, goVersion[1])
			}
			if run := strings.Join(build.all("RUN"), "\n"); !strings.Contains(run, "go build") || !strings.Contains(run, "./cmd/gonnect") ||
				!strings.Contains(run, "CGO_ENABLED=1") {
				t.Errorf("builder does not build ./cmd/gonnect with cgo (godror needs it): %s", run)
			}
			final := stages[len(stages)-1]
			if !tc.runtime.MatchString(final.Image) {
				t.Errorf("runtime image %s, want %s", final.Image, tc.runtime)
			}
			var binary bool
			for _, cp := range final.all("COPY") {
				if strings.HasPrefix(cp, "--from="+build.Name+" ") && strings.HasSuffix(cp, " /usr/local/bin/gonnect") {
					binary = true
				}
			}
			if !binary {
				t.Error("the runtime stage does not copy the binary from the builder to /usr/local/bin/gonnect")
			}
			user := final.last("USER")
			uid, _, _ := strings.Cut(user, ":")
			if user == "" || uid == "0" || uid == "root" {
				t.Errorf("USER %q, want a non-root user", user)
			}
			if ro != nil && uid != itoa(*ro) {
				t.Errorf("USER %s but the chart runs as %d: keep them equal so mounted files are readable", uid, *ro)
			}
			var entry []string
			if err := json.Unmarshal([]byte(final.last("ENTRYPOINT")), &entry); err != nil {
				t.Fatalf("ENTRYPOINT %q is not exec form: %v", final.last("ENTRYPOINT"), err)
			}
			if want := []string{"/usr/local/bin/gonnect", "distributed", "/etc/gonnect/worker.properties"}; !slices.Equal(entry, want) {
				t.Errorf("ENTRYPOINT %q, want %q", entry, want)
			}
			if !slices.Equal(entry, chartCmd) {
				t.Errorf("ENTRYPOINT %q differs from the chart's command+args %q", entry, chartCmd)
			}
			if !strings.Contains(strings.Join(final.all("COPY"), "\n"), "/etc/gonnect") {
				t.Error("the runtime stage does not create /etc/gonnect (the chart mounts files into it)")
			}
			if tc.extra != nil {
				tc.extra(t, final, stages)
			}
		})
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
