package run_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

func newClient(t testing.TB, s *mistraltest.Server) *mistral.Client {
	t.Helper()
	c, err := mistral.NewClient(mistral.WithServerURL(s.URL), mistral.WithAPIKey("test-key"), mistral.WithRetryBackoff(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newRunner(t testing.TB, s *mistraltest.Server, opts ...run.Option) *run.Runner {
	t.Helper()
	r, err := run.New(newClient(t, s), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

type LocationIn struct {
	Name string `json:"name" jsonschema:"the person's name"`
}

type Location struct {
	City string `json:"city"`
}

var getLocation = run.MustFunc("get_location", "Where a person is.", func(ctx context.Context, in LocationIn) (Location, error) {
	return Location{City: map[string]string{"John": "Paris"}[in.Name]}, nil
})

type WeatherIn struct {
	City string `json:"city"`
}

var getWeather = run.MustFunc("get_weather", "The weather in a city.", func(ctx context.Context, in WeatherIn) (string, error) {
	return "21°C in " + in.City, nil
})

// weatherServer is a go-sdk MCP server with a get_weather tool, in process.
func weatherServer() *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "weather", Version: "1.0.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "get_weather", Description: "The weather in a city."}, func(ctx context.Context, req *mcp.CallToolRequest, in WeatherIn) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "18°C in " + in.City}}}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "slow", Description: "Sleeps."}, func(ctx context.Context, req *mcp.CallToolRequest, in struct {
		Ms int `json:"ms"`
	}) (*mcp.CallToolResult, any, error) {
		select {
		case <-time.After(time.Duration(in.Ms) * time.Millisecond):
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "slept"}}}, nil, nil
	})
	return s
}

func inMemoryWeather(opts ...mcpclient.Option) *mcpclient.Client {
	return mustMCP(mcpclient.NewInMemory(weatherServer(), append([]mcpclient.Option{mcpclient.WithName("weather")}, opts...)...))
}

// mustMCP returns c, and panics on a constructor's error: the tests'
// options are valid.
func mustMCP(c *mcpclient.Client, err error) *mcpclient.Client {
	if err != nil {
		panic(err)
	}
	return c
}

// appendBodies returns the bodies of the append requests the server got.
func appendBodies(s *mistraltest.Server) []map[string]any {
	var out []map[string]any
	for _, r := range s.Requests() {
		if r.Method == "POST" && strings.HasPrefix(r.Path, "/v1/conversations/") {
			var m map[string]any
			json.Unmarshal(r.Body, &m)
			out = append(out, m)
		}
	}
	return out
}

func startBody(t *testing.T, s *mistraltest.Server) map[string]any {
	t.Helper()
	for _, r := range s.Requests() {
		if r.Method == "POST" && r.Path == "/v1/conversations" {
			var m map[string]any
			if err := json.Unmarshal(r.Body, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatal("no start request")
	return nil
}
