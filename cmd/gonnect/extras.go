package main

import "github.com/gonnect/gonnect/connectors"

// extraPlugins are the CDC connectors; they join the registry as they land.
func extraPlugins() []*connectors.Plugin { return nil }
