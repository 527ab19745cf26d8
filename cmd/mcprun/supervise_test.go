package main

import "os"

// testSelf is the test binary, which TestMain makes a supervisor when
// asked: the in-process CLI tests run their servers supervised, as mcprun
// does.
func testSelf() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return exe
}
