//go:build !linux

package main

func testRole() func() int { return nil }

var mcprunBin string
