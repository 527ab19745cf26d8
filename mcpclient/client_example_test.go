package mcpclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type greetIn struct {
	Name string `json:"name" jsonschema:"who to greet"`
}

// A go-sdk server in the same process, reached through NewInMemory; the
// same calls work on clients made by NewStdio and NewHTTP.
func Example() {
	server := mcp.NewServer(&mcp.Implementation{Name: "greeter", Version: "1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "greet.person", Description: "says hello"},
		func(_ context.Context, _ *mcp.CallToolRequest, in greetIn) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "Hello, " + in.Name + "!"}}}, nil, nil
		})

	ctx := context.Background()
	c, err := mcpclient.NewInMemory(server, mcpclient.WithName("greeter"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	tools, err := c.Tools(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range tools {
		// The name is fit for Mistral function calling; the original is
		// what the server is called with.
		fmt.Printf("%s (%s): %s\n", t.Name, t.OriginalName, t.InputSchema)
	}
	res, err := c.CallTool(ctx, tools[0].Name, json.RawMessage(`{"name":"Ada"}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text, res.IsError)
	// Output:
	// greet_person (greet.person): {"additionalProperties":false,"properties":{"name":{"description":"who to greet","type":"string"}},"required":["name"],"type":"object"}
	// Hello, Ada! false
}

// RenderResult turns a tool result into what a model reads.
func ExampleRenderResult() {
	text, isErr := mcpclient.RenderResult(&mcp.CallToolResult{
		Content: []mcp.Content{
			&mcp.TextContent{Text: "Here is the chart:"},
			&mcp.ImageContent{MIMEType: "image/png", Data: make([]byte, 1234)},
		},
		StructuredContent: map[string]any{"points": 3},
	})
	fmt.Println(text)
	fmt.Println(isErr)
	// Output:
	// Here is the chart:
	// [image: image/png, 1234 bytes]
	// {"points":3}
	// false
}

// A stdio server started with npx, with a secret in its environment; its
// stderr is kept for errors.
func ExampleNewStdio() {
	c, err := mcpclient.NewStdio("npx", []string{"-y", "@modelcontextprotocol/server-everything", "stdio"},
		mcpclient.WithEnv(map[string]string{"API_KEY": "secret"}),
		mcpclient.WithName("everything"), mcpclient.WithCallTimeout(2*time.Minute))
	if err != nil {
		log.Fatal(err) // an invalid option
	}
	defer c.Close()
	if err := c.Connect(context.Background()); err != nil {
		log.Fatal(err) // names the server and shows its stderr tail
	}
}

// Remote servers that may speak Streamable HTTP or legacy SSE, one with an
// API key header, connected together.
func ExampleNewHTTP() {
	remote, err := mcpclient.NewHTTP("https://mcp.example.com/mcp", mcpclient.WithName("remote"))
	if err != nil {
		log.Fatal(err)
	}
	defer remote.Close()
	keyed, err := mcpclient.NewHTTP("https://api.example.com/mcp",
		mcpclient.WithHeaders(map[string]string{"X-Api-Key": "secret"}),
		mcpclient.WithDialTimeout(10*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	defer keyed.Close()
	if err := mcpclient.ConnectAll(context.Background(), remote, keyed); err != nil {
		log.Print(err) // one line per server that failed
	}
}

// Options are checked when the client is made: one that does not apply to
// the transport is an error, not ignored.
func ExampleNewHTTP_invalidOption() {
	_, err := mcpclient.NewHTTP("https://mcp.example.com/mcp", mcpclient.WithDir("/tmp"))
	fmt.Println(err)
	// Output:
	// mcpclient: WithDir applies to NewStdio clients only
}

// A tool call fails in one of two ways: the call itself (an error: the
// server is gone, the call timed out), or the tool's own error result,
// which is an answer for the model.
func ExampleClient_CallTool() {
	server := mcp.NewServer(&mcp.Implementation{Name: "files", Version: "1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "read"},
		func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
			return nil, nil, errors.New("no such file")
		})
	ctx := context.Background()
	c, err := mcpclient.NewInMemory(server, mcpclient.WithCallTimeout(time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	res, err := c.CallTool(ctx, "read", nil)
	var se *mcpclient.ServerError
	switch {
	case errors.Is(err, mcpclient.ErrCallTimeout):
		fmt.Println("timed out:", err)
	case errors.As(err, &se):
		fmt.Println("server failed:", se.Server, se.Err)
	case err != nil:
		fmt.Println("not called:", err)
	case res.IsError:
		fmt.Println("the tool says:", res.Text)
	default:
		fmt.Println(res.Text)
	}
	// Output:
	// the tool says: Error: no such file
}

// WithRoundTripper adds a layer around the transport the client would use
// anyway (here the HTTP client's own): it sees every request, and the
// transport it wraps still sends them.
func ExampleWithRoundTripper() {
	server := mcp.NewServer(&mcp.Implementation{Name: "s", Version: "1.0.0"}, nil)
	ts := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil))
	defer ts.Close()

	var n atomic.Int32
	count := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			n.Add(1)
			return next.RoundTrip(r)
		})
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c, err := mcpclient.NewHTTP(ts.URL,
		mcpclient.WithHTTPClient(&http.Client{Transport: tr}),
		mcpclient.WithRoundTripper(count))
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Connect(context.Background()); err != nil {
		log.Fatal(err)
	}
	c.Close()
	fmt.Println("requests seen by the layer:", n.Load() > 0)
	// Output:
	// requests seen by the layer: true
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The go-sdk's own stdio transport instead of mcprun's (which reads and
// decodes each message once and gathers concurrent writes): the process is
// started, supervised and stopped the same way, and a connection lost under
// a call is ErrConnectionLost with either.
func ExampleWithSDKStdio() {
	c, err := mcpclient.NewStdio("./weather-server", nil, mcpclient.WithSDKStdio())
	if err != nil {
		log.Fatal(err) // an invalid option
	}
	defer c.Close()
	if err := c.Connect(context.Background()); err != nil {
		log.Fatal(err)
	}
}
