// Command stubborn is a stdio MCP server that ignores shutdown: SIGINT and
// SIGTERM are ignored, and it stays after its stdin closes. It writes its
// pid to the file named by its first argument. For the CLI's test of a
// second Ctrl-C.
package main

import (
	"context"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func main() {
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM)
	if len(os.Args) > 1 {
		os.WriteFile(os.Args[1], []byte(strconv.Itoa(os.Getpid())), 0o600)
	}
	s := mcp.NewServer(&mcp.Implementation{Name: "stubborn", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "sleep", Description: "Sleeps a minute, whatever happens."}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		time.Sleep(time.Minute)
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "slept"}}}, nil, nil
	})
	_ = s.Run(context.Background(), &mcp.StdioTransport{})
	time.Sleep(time.Hour) // stdin closed: stay anyway
}
