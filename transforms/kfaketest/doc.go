// Package kfaketest holds the end-to-end test of the transform chain in a running
// connector on an in-process worker over kfake. It lives apart from package
// transforms so the transforms unit tests do not depend on the worker runtime.
package kfaketest
