// Package mysqlevents tests Debezium's transforms (unwrap, ByLogicalTableRouter) on
// the change events the MySQL connector really emits from a throwaway MariaDB. It
// lives apart from package transforms so the unit tests need no database.
package mysqlevents
