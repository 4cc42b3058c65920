package rest

import (
	"context"

	"github.com/gonnect/gonnect/rest/entities"
)

// Herder is what the REST API needs from the worker's control plane. worker/herder
// implements it; rest declares it so it imports nothing from worker.
//
// Contract for every method:
//   - Safe for concurrent use; called from HTTP handler goroutines.
//   - ctx carries the 90 s request deadline; on expiry return ctx.Err() or a
//     *entities.TimeoutError naming the herder's current stage.
//   - Errors are the typed errors of package entities, whose messages are the Java
//     worker's: *NotFoundError (404), *AlreadyExistsError and *ConflictError (409,
//     including entities.ErrRebalanceNeeded), *BadRequestError (400),
//     *NotAllowedError (403), *StatusError (its status), anything else 500.
//   - Leader-only writes (create, PUT/PATCH config, delete, stop, restart with
//     includeTasks/onlyFailed, offsets PATCH/DELETE, PutTaskConfigs, FenceZombies) on a
//     follower return *entities.NotLeaderError; owner-only operations (legacy restart,
//     task restart) on the leader return *entities.NotAssignedError. rest then forwards
//     the request (at most two hops); an empty URL gives 409.
type Herder interface {
	// ServerInfo returns the body of GET /.
	ServerInfo(ctx context.Context) (entities.ServerInfo, error)
	// Health pushes a no-op through the herder's request queue and reports whether it
	// came back (starting, healthy, unhealthy); ctx carries a 10 s budget.
	Health(ctx context.Context) entities.Health

	// Connectors lists connector names from the local config snapshot (never 409).
	Connectors(ctx context.Context) ([]string, error)
	// ConnectorInfo returns a connector's stored config (with "name") and task ids.
	ConnectorInfo(ctx context.Context, name string) (entities.ConnectorInfo, error)
	// ConnectorConfig returns exactly the stored config, "name" included.
	ConnectorConfig(ctx context.Context, name string) (map[string]string, error)
	// ConnectorStatus returns the status from the local status store; 404 "No status
	// found for connector <c>".
	ConnectorStatus(ctx context.Context, name string) (entities.ConnectorStateInfo, error)
	// TaskStatus returns one task's status; 404 "No status found for task <c>-<t>".
	TaskStatus(ctx context.Context, name string, task int) (entities.TaskState, error)
	// TaskConfigs returns the connector's task configs in task order.
	TaskConfigs(ctx context.Context, name string) ([]entities.TaskInfo, error)
	// ConnectorTopics returns the topics the connector has used (KIP-558); an unknown
	// connector gives an empty list. *NotAllowedError when tracking is disabled.
	ConnectorTopics(ctx context.Context, name string) ([]string, error)
	// ResetConnectorTopics forgets the connector's topics. *NotAllowedError when
	// tracking or reset is disabled.
	ResetConnectorTopics(ctx context.Context, name string) error

	// PutConnectorConfig validates cfg (which already contains "name") and, on the
	// leader, stores it. allowReplace=false (POST /connectors) fails with
	// AlreadyExistsError when the connector exists. initial is the KIP-980 initial
	// target state for a new connector (nil: STARTED). created reports whether the
	// connector was new. Invalid configs give a *BadRequestError whose message lists the
	// errors as Java does; an unknown connector.class gives a plain error (500).
	PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, allowReplace bool, initial *entities.TargetState) (info entities.ConnectorInfo, created bool, err error)
	// PatchConnectorConfig merges patch into the stored config on the leader (a nil
	// value deletes the key) and then behaves as PutConnectorConfig with replace.
	PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (entities.ConnectorInfo, error)
	// DeleteConnector removes the connector's config (leader only).
	DeleteConnector(ctx context.Context, name string) error

	// RestartConnector restarts per KIP-745. With includeTasks=false and
	// onlyFailed=false it synchronously restarts the connector instance on its owner and
	// returns nil (204); otherwise the leader records a restart request and returns the
	// plan with RESTARTING instances (202).
	RestartConnector(ctx context.Context, name string, includeTasks, onlyFailed bool) (*entities.ConnectorStateInfo, error)
	// RestartTask restarts one task synchronously on its owner.
	RestartTask(ctx context.Context, name string, task int) error
	// PauseConnector and ResumeConnector write the target state from any worker (never
	// NotLeaderError) and return without waiting for tasks.
	PauseConnector(ctx context.Context, name string) error
	ResumeConnector(ctx context.Context, name string) error
	// StopConnector writes an empty task set then the STOPPED target state (leader).
	StopConnector(ctx context.Context, name string) error

	// Offsets returns the connector's committed offsets.
	Offsets(ctx context.Context, name string) (entities.ConnectorOffsets, error)
	// AlterOffsets writes (or, for nil offsets, resets) the given partitions' offsets;
	// the connector must be STOPPED (leader).
	AlterOffsets(ctx context.Context, name string, offsets entities.ConnectorOffsets) (entities.Message, error)
	// ResetOffsets deletes all the connector's offsets; the connector must be STOPPED.
	ResetOffsets(ctx context.Context, name string) (entities.Message, error)

	// PutTaskConfigs stores task configs sent by the worker running the connector
	// (POST /connectors/{c}/tasks). rest has already verified the request signature.
	PutTaskConfigs(ctx context.Context, name string, configs []map[string]string) error
	// FenceZombies fences the connector's previous-generation EOS task producers
	// (PUT /connectors/{c}/fence); signature already verified.
	FenceZombies(ctx context.Context, name string) error
	// SessionKey returns the current inter-worker session key. required=false means the
	// group protocol does not sign internal requests (no verification); required=true
	// with a nil key means none has been read yet (rest answers 503).
	SessionKey() (key *entities.SessionKey, required bool)

	// Plugins lists connector plugins (sinks then sources) and, with
	// connectorsOnly=false, then transformations, predicates, converters and header
	// converters.
	Plugins(ctx context.Context, connectorsOnly bool) ([]entities.PluginInfo, error)
	// PluginConfig returns a plugin's config definitions (its own, then the framework's
	// it lacks); 404 "Unknown plugin <p>." for an unknown name.
	PluginConfig(ctx context.Context, plugin string) ([]entities.ConfigKeyInfo, error)
	// ValidateConfig validates a connector config without storing it (see
	// worker/connconfig.Validate). Unknown connector.class is a plain error (500).
	ValidateConfig(ctx context.Context, cfg map[string]string) (entities.ConfigInfos, error)

	// SetClusterLoggerLevel writes a logger-cluster-<namespace> record to the config
	// topic; every worker applies it with logging.SetLevel when it reads the record.
	SetClusterLoggerLevel(ctx context.Context, namespace, level string) error
}

// StageReporter is implemented by herders that can name what they are busy with. rest
// uses it to name the stage in a 500 "Request timed out. ..." when a call exceeds the
// request timeout without returning a *entities.TimeoutError itself.
type StageReporter interface {
	Stage() *entities.Stage
}
