package group

import "slices"

// items is a set of connectors and tasks: the unit the assignors reason in.
type items struct {
	connectors map[string]struct{}
	tasks      map[TaskID]struct{}
}

func newItems() items {
	return items{connectors: map[string]struct{}{}, tasks: map[TaskID]struct{}{}}
}

func itemsOf(connectors []string, tasks []TaskID) items {
	s := newItems()
	for _, c := range connectors {
		s.connectors[c] = struct{}{}
	}
	for _, t := range tasks {
		s.tasks[t] = struct{}{}
	}
	return s
}

func (s items) empty() bool { return len(s.connectors) == 0 && len(s.tasks) == 0 }

func (s items) clone() items {
	c := newItems()
	c.addAll(s)
	return c
}

func (s items) addAll(o items) {
	for c := range o.connectors {
		s.connectors[c] = struct{}{}
	}
	for t := range o.tasks {
		s.tasks[t] = struct{}{}
	}
}

func (s items) removeAll(o items) {
	for c := range o.connectors {
		delete(s.connectors, c)
	}
	for t := range o.tasks {
		delete(s.tasks, t)
	}
}

// minus returns s without any item of the others.
func (s items) minus(others ...items) items {
	d := s.clone()
	for _, o := range others {
		d.removeAll(o)
	}
	return d
}

// intersect returns the items in both s and o.
func (s items) intersect(o items) items {
	r := newItems()
	for c := range s.connectors {
		if _, ok := o.connectors[c]; ok {
			r.connectors[c] = struct{}{}
		}
	}
	for t := range s.tasks {
		if _, ok := o.tasks[t]; ok {
			r.tasks[t] = struct{}{}
		}
	}
	return r
}

func (s items) overlaps(o items) bool { return !s.intersect(o).empty() }

func (s items) sortedConnectors() []string {
	out := make([]string, 0, len(s.connectors))
	for c := range s.connectors {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func (s items) sortedTasks() []TaskID {
	out := make([]TaskID, 0, len(s.tasks))
	for t := range s.tasks {
		out = append(out, t)
	}
	slices.SortFunc(out, compareTaskID)
	return out
}

// configuredItems lists every connector of a snapshot and its task ids 0..n-1.
func configuredItems(connectors map[string]int) items {
	s := newItems()
	for c, n := range connectors {
		s.connectors[c] = struct{}{}
		for i := range n {
			s.tasks[TaskID{Connector: c, Task: int32(i)}] = struct{}{}
		}
	}
	return s
}
