package oracle

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/godror/godror/dsn"
)

// RACNodeConnectStrings are the connect strings of the rac.nodes entries, in the
// form Debezium's RacCommitLogWriterFlushStrategy reads them: host[:port[/service]],
// the port defaulting to database.port and the service to database.dbname. The log
// writer of every instance is flushed through its own connection, since a commit
// only makes the local LGWR write. An entry that is no host[:port[/service]] is an
// error naming it.
func (c *Config) RACNodeConnectStrings() ([]string, error) {
	var out []string
	for _, n := range c.RACNodes {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		host, rest, hasPort := strings.Cut(n, ":")
		port, service := strconv.Itoa(int(c.Port)), c.DBName
		if hasPort {
			p, svc, hasSvc := strings.Cut(rest, "/")
			if _, err := strconv.ParseUint(p, 10, 16); err != nil {
				return nil, fmt.Errorf("rac.nodes: %q: port %q is not a number", n, p)
			}
			port = p
			if hasSvc {
				service = svc
			}
		}
		if host == "" || strings.ContainsAny(host, "/ ") || service == "" {
			return nil, fmt.Errorf("rac.nodes: %q is not host[:port[/service]] (service defaults to database.dbname)", n)
		}
		out = append(out, host+":"+port+"/"+service)
	}
	return out, nil
}

// RACNodeDSNs renders RACNodeConnectStrings as godror DSNs with the connector's
// credentials. The result holds the password; never log it.
func (c *Config) RACNodeDSNs() ([]string, error) {
	cs, err := c.RACNodeConnectStrings()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(cs))
	for i, s := range cs {
		var p dsn.ConnectionParams
		p.Username, p.ConnectString, p.Password = c.User, s, dsn.NewPassword(c.Password)
		out[i] = p.StringWithPassword()
	}
	return out, nil
}
