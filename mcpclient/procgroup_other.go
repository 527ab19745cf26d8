//go:build !unix

package mcpclient

import "os/exec"

func ownProcessGroup(*exec.Cmd)  {}
func killProcessGroup(*exec.Cmd) {}
