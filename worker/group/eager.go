package group

import (
	"cmp"
	"slices"
)

// EagerAssign computes the eager (protocol "default", v0) assignment of
// connect.md §3.5: members sorted by id form one circular sequence that hands
// out every connector (sorted by name) and then every task (connectors by
// name, task ids ascending). Every member gets its full assignment, stamped
// with leaderID, leaderURL and configOffset. connectors maps each configured
// connector to its task count.
//
// It is a pure function, safe for concurrent use. It does not check config
// offsets; Assignor.Assign does that before calling it.
func EagerAssign(members []MemberMetadata, connectors map[string]int, leaderID, leaderURL string, configOffset int64) map[string]Assignment {
	ids := make([]string, 0, len(members))
	for _, m := range members {
		ids = append(ids, m.MemberID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)

	out := make(map[string]Assignment, len(ids))
	for _, id := range ids {
		out[id] = Assignment{Version: 0, Leader: leaderID, LeaderURL: leaderURL, ConfigOffset: configOffset}
	}
	if len(ids) == 0 {
		return out
	}
	names := make([]string, 0, len(connectors))
	for c := range connectors {
		names = append(names, c)
	}
	slices.SortFunc(names, cmp.Compare)

	next := 0
	take := func() string {
		id := ids[next%len(ids)]
		next++
		return id
	}
	for _, c := range names {
		id := take()
		a := out[id]
		a.Connectors = append(a.Connectors, c)
		out[id] = a
	}
	for _, c := range names {
		for i := range connectors[c] {
			id := take()
			a := out[id]
			a.Tasks = append(a.Tasks, TaskID{Connector: c, Task: int32(i)})
			out[id] = a
		}
	}
	return out
}
