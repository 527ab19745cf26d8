//go:build !linux

package main

// killChildren is a no-op where /proc is not there to list the children;
// mcpclient still stops each server's process group when its session ends.
func killChildren() {}
