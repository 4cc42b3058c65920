package main

import (
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/mysql"
	"github.com/gonnect/gonnect/connectors/oracle"
)

// extraPlugins are the CDC connectors.
func extraPlugins() []*connectors.Plugin {
	return []*connectors.Plugin{mysql.Plugin(), mysql.MariaDBPlugin(), oracle.Plugin()}
}
