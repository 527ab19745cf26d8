// Command server is the weather example's MCP server: a go-sdk server on
// stdio with one tool, get_weather, that makes up a plausible temperature
// (the reference example's server does the same). mcprun starts it as a
// subprocess: `mcprun run --stdio "go run ./examples/weather/server" ...`.
package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"log"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// WeatherIn is the tool's input.
type WeatherIn struct {
	Location string `json:"location" jsonschema:"a city name, e.g. Paris"`
}

// WeatherOut is the tool's structured output.
type WeatherOut struct {
	Location    string  `json:"location"`
	Temperature float64 `json:"temperature" jsonschema:"degrees Celsius"`
	Conditions  string  `json:"conditions"`
}

// weather is deterministic so that runs and tests can be compared.
func weather(loc string) WeatherOut {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(strings.TrimSpace(loc))))
	n := h.Sum32()
	conditions := []string{"sunny", "cloudy", "light rain", "windy"}
	return WeatherOut{Location: loc, Temperature: float64(5+n%25) + 0.5, Conditions: conditions[n/25%4]}
}

func main() {
	s := mcp.NewServer(&mcp.Implementation{Name: "weather", Version: "1.0.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "get_weather", Description: "Current weather at a location."},
		func(ctx context.Context, req *mcp.CallToolRequest, in WeatherIn) (*mcp.CallToolResult, WeatherOut, error) {
			if in.Location == "" {
				return nil, WeatherOut{}, fmt.Errorf("location is required")
			}
			return nil, weather(in.Location), nil
		})
	if err := s.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		log.Fatal(err)
	}
}
