package cdc

import "testing"

func TestFilter(t *testing.T) {
	tests := []struct {
		name             string
		include, exclude string
		in               string
		want             bool
	}{
		{name: "empty allows", in: "a.b", want: true},
		{name: "anchored", include: "inv.cust", in: "inv.customers", want: false},
		{name: "case-insensitive", include: "INV\\.Customers", in: "inv.customers", want: true},
		{name: "second pattern", include: "x.y, inv\\..*", in: "inv.orders", want: true},
		{name: "escaped comma", include: `inv\.a{1\,2}`, in: "inv.aa", want: true},
		{name: "exclude", exclude: "inv\\.orders", in: "inv.orders", want: false},
		{name: "exclude other", exclude: "inv\\.orders", in: "inv.items", want: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewFilter("table.include.list", tc.include, "table.exclude.list", tc.exclude)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Allows(tc.in); got != tc.want {
				t.Fatalf("Allows(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	tests := []struct {
		name, include, exclude, want string
	}{
		{name: "both", include: "a", exclude: "b", want: "table.include.list and table.exclude.list are mutually exclusive: set only one of them"},
		{name: "bad regex", include: "a,(b", want: "table.include.list: pattern 2 \"(b\" is not a valid regular expression: error parsing regexp: missing closing ): `(?i)^(?:(b)$`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFilter("table.include.list", tc.include, "table.exclude.list", tc.exclude)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestTableFilters(t *testing.T) {
	db, _ := NewFilter("database.include.list", "inv", "database.exclude.list", "")
	tb, _ := NewFilter("table.include.list", "inv\\.c.*", "table.exclude.list", "")
	f := &TableFilters{Container: db, Table: tb, Signal: "inv.signals",
		BuiltIn:       func(c string) bool { return c == "mysql" },
		TableName:     func(id TableID) string { return id.String() },
		ContainerName: func(id TableID) string { return id.Catalog }}
	tests := []struct {
		name               string
		id                 TableID
		eligible, captured bool
	}{
		{name: "captured", id: TableID{Catalog: "inv", Table: "customers"}, eligible: true, captured: true},
		{name: "eligible only", id: TableID{Catalog: "inv", Table: "orders"}, eligible: true},
		{name: "signal always", id: TableID{Catalog: "inv", Table: "signals"}, eligible: true, captured: true},
		{name: "other db", id: TableID{Catalog: "crm", Table: "customers"}},
		{name: "builtin", id: TableID{Catalog: "mysql", Table: "user"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if f.Eligible(tc.id) != tc.eligible || f.Captured(tc.id) != tc.captured {
				t.Fatalf("eligible=%v captured=%v", f.Eligible(tc.id), f.Captured(tc.id))
			}
		})
	}
}

func TestKeyColumns(t *testing.T) {
	k, err := ParseKeyColumns("message.key.columns", "inv.customers:email,name; inv\\.o.*:order_no")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, table string
		want        []string
	}{
		{name: "first", table: "inv.customers", want: []string{"email", "name"}},
		{name: "regex", table: "INV.orders", want: []string{"order_no"}},
		{name: "none", table: "inv.items"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := k.For(tc.table)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v want %v", got, tc.want)
				}
			}
		})
	}
	if _, err := ParseKeyColumns("message.key.columns", "nocolon"); err == nil {
		t.Fatal("accepted entry without columns")
	}
}
