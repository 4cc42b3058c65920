package distributed

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Props is the worker configuration as flat Java properties: the file, then the
// caller's overrides, then CONNECT_* environment variables (CONNECT_BOOTSTRAP_SERVERS
// sets bootstrap.servers: lower-cased, "_" → "."; the convention of the common
// Connect images).
type Props map[string]string

func LoadProps(file string, overrides map[string]string) (Props, []string, error) {
	p := Props{}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, nil, fmt.Errorf("reading worker config: %w", err)
		}
		defer f.Close()
		if err := parseProperties(bufio.NewScanner(f), p); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	for k, v := range overrides {
		if _, set := p[k]; !set || file == "" {
			p[k] = v
		}
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "CONNECT_") || k == "CONNECT_" {
			continue
		}
		p[strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(k, "CONNECT_")), "_", ".")] = v
	}
	return p, nil, nil
}

// parseProperties reads Java .properties: key=value, key:value or key value; # and !
// comments; trailing-backslash continuation lines.
func parseProperties(sc *bufio.Scanner, into Props) error {
	var cont strings.Builder
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimLeft(sc.Text(), " \t\f")
		if cont.Len() == 0 && (line == "" || line[0] == '#' || line[0] == '!') {
			continue
		}
		if strings.HasSuffix(line, `\`) && !strings.HasSuffix(line, `\\`) {
			cont.WriteString(strings.TrimSuffix(line, `\`))
			continue
		}
		cont.WriteString(line)
		full := cont.String()
		cont.Reset()
		i := strings.IndexAny(full, "=: \t")
		if i < 0 {
			into[full] = ""
			continue
		}
		key := full[:i]
		val := strings.TrimLeft(full[i:], " \t")
		if val != "" && (val[0] == '=' || val[0] == ':') {
			val = strings.TrimLeft(val[1:], " \t")
		}
		into[key] = val
	}
	return sc.Err()
}

func (p Props) lookup(k string) (string, bool) { v, ok := p[k]; return v, ok }

func (p Props) get(k, def string) string {
	if v, ok := p[k]; ok {
		return strings.TrimSpace(v)
	}
	return def
}

func (p Props) int(k string, def int) int {
	v, err := strconv.Atoi(p.get(k, strconv.Itoa(def)))
	if err != nil {
		return def
	}
	return v
}

func (p Props) ms(k string, def int64) time.Duration {
	v, err := strconv.ParseInt(p.get(k, strconv.FormatInt(def, 10)), 10, 64)
	if err != nil {
		return time.Duration(def) * time.Millisecond
	}
	return time.Duration(v) * time.Millisecond
}

func (p Props) bool(k string, def bool) bool {
	v, err := strconv.ParseBool(p.get(k, strconv.FormatBool(def)))
	if err != nil {
		return def
	}
	return v
}

// prefixed returns the keys under prefix with the prefix stripped.
func (p Props) prefixed(prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range p {
		if strings.HasPrefix(k, prefix) {
			out[strings.TrimPrefix(k, prefix)] = v
		}
	}
	return out
}

// validate checks the typed keys; an invalid value names the key.
func (p Props) validate() error {
	ints := []string{"offset.flush.interval.ms", "offset.flush.timeout.ms", "task.shutdown.graceful.timeout.ms",
		"scheduled.rebalance.max.delay.ms", "session.timeout.ms", "heartbeat.interval.ms", "rebalance.timeout.ms",
		"worker.sync.timeout.ms", "inter.worker.key.ttl.ms", "config.storage.replication.factor",
		"offset.storage.replication.factor", "status.storage.replication.factor", "offset.storage.partitions", "status.storage.partitions"}
	sort.Strings(ints)
	for _, k := range ints {
		if v, ok := p[k]; ok {
			if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
				return fmt.Errorf("Invalid value %s for configuration %s: Not a number of type INT", v, k)
			}
		}
	}
	return nil
}
