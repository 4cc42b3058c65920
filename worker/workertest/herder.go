package workertest

import "github.com/gonnect/gonnect/worker/herder"

// Herder returns the worker's herder, for tests that drive it directly (the
// declarative-connector loader, for example). Safe for concurrent use.
func (w *Worker) Herder() *herder.Herder { return w.w.Herder() }
