package mcpclient_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"

	"github.com/mcprun/mcprun/mcpclient"
)

// A stdio server whose command cannot start fails Connect with a
// *StartError: nothing ran, and os/exec's cause is matchable.
func ExampleStartError() {
	c, err := mcpclient.NewStdio("no-such-mcp-server", nil)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	err = c.Connect(context.Background())
	var se *mcpclient.StartError
	fmt.Println(errors.As(err, &se), errors.Is(err, exec.ErrNotFound))
	fmt.Println(se)
	// Output:
	// true true
	// starting "no-such-mcp-server": executable file not found in $PATH
}

// A server given a PATH of its own has its command looked up on that PATH,
// as the reference SDKs do: sh is on the client's PATH, not on this
// server's, so nothing starts.
func ExampleWithEnv_path() {
	c, err := mcpclient.NewStdio("sh", nil, mcpclient.WithEnv(map[string]string{"PATH": "/nonexistent"}))
	if err != nil {
		panic(err)
	}
	defer c.Close()
	err = c.Connect(context.Background())
	fmt.Println(errors.Is(err, exec.ErrNotFound))
	// Output:
	// true
}
