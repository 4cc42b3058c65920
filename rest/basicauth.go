package rest

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"
)

// BasicAuthExtension is the rest.extension.classes value that turns on basic
// authentication in Kafka Connect; cmd/gonnect checks for it.
const BasicAuthExtension = "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension"

// JAASConfigProperty is where Java reads the JAAS file from (a JVM system property,
// usually set through KAFKA_OPTS=-Djava.security.auth.login.config=/path). Gonnect
// accepts it as a worker property of the same name, or from KAFKA_OPTS.
const JAASConfigProperty = "java.security.auth.login.config"

// JAASConfigPath returns the JAAS file path from the worker property
// java.security.auth.login.config, else from a -Djava.security.auth.login.config=
// flag in kafkaOpts (the KAFKA_OPTS environment variable); "" when neither is set.
func JAASConfigPath(workerProps map[string]string, kafkaOpts string) string {
	if p := strings.TrimSpace(workerProps[JAASConfigProperty]); p != "" {
		return p
	}
	for _, f := range strings.Fields(kafkaOpts) {
		if v, ok := strings.CutPrefix(f, "-D"+JAASConfigProperty+"="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}

var (
	jaasSection = regexp.MustCompile(`(?s)KafkaConnect\s*\{(.*?)\}\s*;`)
	jaasFile    = regexp.MustCompile(`\bfile\s*=\s*"([^"]*)"`)
	jaasModule  = regexp.MustCompile(`(?s)^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b`)
)

// PropertyFileLoginModule is the JAAS login module whose users file Gonnect reads.
const PropertyFileLoginModule = "org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule"

// LoadBasicAuthUsers reads a JAAS file with a KafkaConnect section using
// PropertyFileLoginModule and its file="..." option, then the users file it names
// (Java properties: "user: password" or "user=password" lines, # and ! comments).
// Errors name the file and what is wrong.
func LoadBasicAuthUsers(jaasPath string) (map[string]string, error) {
	b, err := os.ReadFile(jaasPath)
	if err != nil {
		return nil, fmt.Errorf("basic auth: reading JAAS config: %w", err)
	}
	sec := jaasSection.FindSubmatch(stripJAASComments(b))
	if sec == nil {
		return nil, fmt.Errorf("basic auth: JAAS config %s has no KafkaConnect { ... }; section", jaasPath)
	}
	mod := jaasModule.FindSubmatch(sec[1])
	if mod == nil || string(mod[1]) != PropertyFileLoginModule {
		return nil, fmt.Errorf("basic auth: JAAS config %s: the KafkaConnect section must use %s", jaasPath, PropertyFileLoginModule)
	}
	f := jaasFile.FindSubmatch(sec[1])
	if f == nil {
		return nil, fmt.Errorf("basic auth: JAAS config %s: PropertyFileLoginModule needs a file=\"...\" option", jaasPath)
	}
	return LoadUsersFile(string(f[1]))
}

func stripJAASComments(b []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(b, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte("//")) || bytes.HasPrefix(t, []byte("#")) {
			continue
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// LoadUsersFile reads a Java properties file of user → password.
func LoadUsersFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("basic auth: reading users file: %w", err)
	}
	defer f.Close()
	users := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		i := strings.IndexAny(line, ":= \t")
		if i <= 0 {
			return nil, fmt.Errorf("basic auth: users file %s line %d: expected \"user: password\"", path, n)
		}
		user := line[:i]
		pass := strings.TrimLeft(line[i:], " \t")
		if pass != "" && (pass[0] == ':' || pass[0] == '=') {
			pass = strings.TrimLeft(pass[1:], " \t")
		}
		users[user] = pass
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("basic auth: reading users file %s: %w", path, err)
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("basic auth: users file %s has no users", path)
	}
	return users, nil
}

// isInternalRequest matches the endpoints Java's JaasBasicAuthFilter lets through.
func isInternalRequest(r *http.Request) bool {
	parts := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	if len(parts) != 3 || parts[0] != "connectors" {
		return false
	}
	return (r.Method == http.MethodPost && parts[2] == "tasks") || (r.Method == http.MethodPut && parts[2] == "fence")
}

// basicAuth checks credentials when BasicAuth is configured. The password is never
// logged.
func (s *Server) basicAuth(c *gin.Context) {
	if s.cfg.users == nil || isInternalRequest(c.Request) {
		c.Next()
		return
	}
	if s.cfg.authExemptRoot && c.Request.Method == http.MethodGet && (c.Request.URL.Path == "/" || c.Request.URL.Path == "/health") {
		c.Next()
		return
	}
	if c.Request.Method == http.MethodOptions && s.cfg.corsOrigin != "" && c.GetHeader("Access-Control-Request-Method") != "" {
		c.Next() // CORS preflight carries no credentials
		return
	}
	user, pass, ok := parseBasic(c.GetHeader("Authorization"))
	if ok {
		want, known := s.cfg.users[user]
		if known && subtle.ConstantTimeCompare([]byte(want), []byte(pass)) == 1 {
			c.Next()
			return
		}
	}
	s.cfg.logger.Debug("REST request failed authentication", "method", c.Request.Method, "path", c.Request.URL.Path, "user", user)
	s.fail(c, errUnauthorize)
}

func parseBasic(h string) (user, pass string, ok bool) {
	scheme, cred, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return "", "", false
	}
	user, pass, ok = strings.Cut(string(raw), ":")
	return user, pass, ok
}
