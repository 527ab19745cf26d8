package mcpclient_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
)

// Servers connected together cost the time of the slowest, not the sum;
// one that fails does not keep the others from connecting, and its error
// names it.
func ExampleConnectAll() {
	calc, err := mcpclient.NewInMemory(mcp.NewServer(&mcp.Implementation{Name: "calc", Version: "1.0.0"}, nil), mcpclient.WithName("calc"))
	if err != nil {
		log.Fatal(err)
	}
	defer calc.Close()
	missing, err := mcpclient.NewStdio("/nonexistent/mcp-server", nil, mcpclient.WithName("missing"))
	if err != nil {
		log.Fatal(err)
	}
	defer missing.Close()

	err = mcpclient.ConnectAll(context.Background(), calc, missing)
	var se *mcpclient.ServerError
	if errors.As(err, &se) {
		fmt.Println("did not start:", se.Server)
	}
	fmt.Println("connected:", calc.ServerInfo().Name) // zero before a connect
	// Output:
	// did not start: missing
	// connected: calc
}
