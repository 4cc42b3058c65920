package logging

// Module is the Go module path every Gonnect namespace starts with.
const Module = "github.com/gonnect/gonnect"

// JavaNames maps the Java logger names operators use with Kafka Connect and Debezium
// to the Gonnect packages doing that work. Setting a level on a Java name also sets
// it on these packages (and their sub-packages).
var JavaNames = map[string][]string{
	"org.apache.kafka":                                  {Module},
	"org.apache.kafka.connect":                          {Module + "/worker", Module + "/rest", Module + "/offsets", Module + "/connectors", Module + "/schemas", Module + "/transforms", Module + "/logging"},
	"org.apache.kafka.connect.runtime":                  {Module + "/worker"},
	"org.apache.kafka.connect.runtime.distributed":      {Module + "/worker/herder", Module + "/worker/group"},
	"org.apache.kafka.connect.runtime.rest":             {Module + "/rest"},
	"org.apache.kafka.connect.storage":                  {Module + "/offsets", Module + "/worker/configstore", Module + "/worker/statusstore"},
	"org.apache.kafka.connect.json":                     {Module + "/schemas"},
	"org.apache.kafka.connect.transforms":               {Module + "/transforms"},
	"org.apache.kafka.connect.file":                     {Module + "/connectors/filestream"},
	"org.apache.kafka.clients":                          {"github.com/twmb/franz-go"},
	"io.confluent.connect.avro":                         {Module + "/schemas/avro", Module + "/schemas/registry"},
	"io.debezium":                                       {Module + "/connectors/cdc", Module + "/connectors/mysql", Module + "/connectors/oracle"},
	"io.debezium.connector.mysql":                       {Module + "/connectors/mysql"},
	"io.debezium.connector.binlog":                      {Module + "/connectors/mysql"},
	"io.debezium.connector.mariadb":                     {Module + "/connectors/mysql"},
	"io.debezium.connector.oracle":                      {Module + "/connectors/oracle"},
	"io.debezium.connector.oracle.logminer":             {Module + "/connectors/oracle"},
	"io.debezium.relational":                            {Module + "/connectors/cdc"},
	"io.debezium.pipeline":                              {Module + "/connectors/cdc"},
	"io.debezium.transforms":                            {Module + "/transforms"},
	"org.apache.kafka.connect.runtime.WorkerSourceTask": {Module + "/worker"},
}
