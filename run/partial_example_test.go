package run_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// A server that does not start does not stop the run: the Runner goes on
// with the others and says which did not start. The dump tool's long
// result is cut to what the model may read (MaxResultBytes, per server).
func ExampleRunner_Unavailable() {
	server := mcp.NewServer(&mcp.Implementation{Name: "files", Version: "1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "dump", Description: "Dumps a log."}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: strings.Repeat("log line\n", 1000)}}}, nil, nil
	})
	files, err := mcpclient.NewInMemory(server, mcpclient.WithName("files"))
	if err != nil {
		log.Fatal(err)
	}
	broken, err := mcpclient.NewStdio("sh", []string{"-c", "echo no database here >&2; exit 3"}, mcpclient.WithName("db"))
	if err != nil {
		log.Fatal(err)
	}

	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("dump"); ok {
			return mistraltest.Respond(mistraltest.Text(fmt.Sprintf("read %d bytes, ending %q", len(res), res[strings.LastIndex(res, "\n")+1:]))), nil
		}
		return mistraltest.Respond(mistraltest.Call("dump", map[string]any{})), nil
	})
	defer srv.Close()
	r, err := run.New(client, run.WithModel("mistral-medium-latest"),
		run.WithMCP(files, run.MaxResultBytes(100)), run.WithMCP(broken))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	res, err := r.Run(context.Background(), mistral.TextInputs("What does the log say?"))
	if err != nil {
		log.Fatal(err)
	}
	for _, se := range r.Unavailable() {
		fmt.Printf("%s did not start: %s\n", se.Server, strings.TrimSpace(se.Stderr))
	}
	fmt.Println(res.Text())
	// Output:
	// db did not start: no database here
	// read 184 bytes, ending "[... result truncated: 8900 of 9000 bytes omitted; results are capped at 100 bytes]"
}
