// Command e2emcp is the stdio MCP server of the end-to-end test: "quick"
// answers at once, "slow" waits while the file HOLD exists. Both write
// "start NAME PID" and "end NAME PID" lines to LOG.
//
//	e2emcp LOG HOLD
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: e2emcp LOG HOLD")
	}
	logPath, hold := os.Args[1], os.Args[2]
	note := func(what, name string) {
		f, err := os.OpenFile(logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(f, "%s %s %d\n", what, name, os.Getpid())
		f.Close()
	}
	s := mcp.NewServer(&mcp.Implementation{Name: "e2e", Version: "1.0.0"}, nil)
	type in struct{}
	mcp.AddTool(s, &mcp.Tool{Name: "quick", Description: "Answers at once."}, func(ctx context.Context, req *mcp.CallToolRequest, _ in) (*mcp.CallToolResult, any, error) {
		note("start", "quick")
		defer note("end", "quick")
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "quick done"}}}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "slow", Description: "Waits while HOLD exists."}, func(ctx context.Context, req *mcp.CallToolRequest, _ in) (*mcp.CallToolResult, any, error) {
		note("start", "slow")
		for {
			if _, err := os.Stat(hold); err != nil {
				break
			}
			select {
			case <-ctx.Done():
				return nil, nil, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
		note("end", "slow")
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "slow done"}}}, nil, nil
	})
	if err := s.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		log.Print(err)
	}
}
