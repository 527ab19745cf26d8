package mcpclient

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// longServer is a go-sdk server on loopback whose "work" tool runs steps
// of stepMs, reporting progress after each unless silent.
func longServer(t *testing.T) string {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: "long", Version: "1"}, nil)
	type in struct {
		Steps  int  `json:"steps"`
		StepMs int  `json:"stepMs"`
		Silent bool `json:"silent,omitempty"`
	}
	mcp.AddTool(s, &mcp.Tool{Name: "work", Description: "Works for a while."}, func(ctx context.Context, req *mcp.CallToolRequest, a in) (*mcp.CallToolResult, any, error) {
		for i := range a.Steps {
			select {
			case <-time.After(time.Duration(a.StepMs) * time.Millisecond):
			case <-ctx.Done():
				return nil, nil, ctx.Err()
			}
			if tok := req.Params.GetProgressToken(); tok != nil && !a.Silent {
				req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: tok, Progress: float64(i + 1), Total: float64(a.Steps)})
			}
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "done"}}}, nil, nil
	})
	hs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil))
	t.Cleanup(hs.Close)
	return hs.URL
}

func TestResetTimeoutOnProgress(t *testing.T) {
	url := longServer(t)
	connect := func(opts ...Option) *Client {
		c, err := NewHTTP(url, append([]Option{WithName("long"), WithCallTimeout(400 * time.Millisecond)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if err := c.Connect(context.Background()); err != nil {
			t.Fatal(err)
		}
		return c
	}
	// 12 steps of 80 ms: about 1 s, far past the 400 ms timeout, with
	// progress every 80 ms.
	reporting := json.RawMessage(`{"steps":12,"stepMs":80}`)

	if res, err := connect().CallTool(context.Background(), "work", reporting); !errors.Is(err, ErrCallTimeout) {
		t.Fatalf("without the option: %+v, %v, want ErrCallTimeout", res, err)
	}
	var events atomic.Int32
	c := connect(WithResetTimeoutOnProgress(time.Minute), WithProgress(func(ProgressEvent) { events.Add(1) }))
	res, err := c.CallTool(context.Background(), "work", reporting)
	if err != nil || res.Text != "done" {
		t.Fatalf("progress did not keep the call alive: %v %v", res, err)
	}
	if events.Load() == 0 {
		t.Fatal("WithProgress got no events beside the reset")
	}
	// Silent after starting: the timeout still applies.
	_, err = c.CallTool(context.Background(), "work", json.RawMessage(`{"steps":12,"stepMs":80,"silent":true}`))
	if !errors.Is(err, ErrCallTimeout) || !strings.Contains(err.Error(), "without progress") {
		t.Fatalf("silent call: %v, want ErrCallTimeout without progress", err)
	}
	// The cap ends a call that keeps reporting.
	capped := connect(WithResetTimeoutOnProgress(600 * time.Millisecond))
	_, err = capped.CallTool(context.Background(), "work", reporting)
	if !errors.Is(err, ErrCallTimeout) || !strings.Contains(err.Error(), "in all") {
		t.Fatalf("capped call: %v, want ErrCallTimeout in all", err)
	}
	// The client is still usable after the timeouts.
	if res, err := capped.CallTool(context.Background(), "work", json.RawMessage(`{"steps":1,"stepMs":1}`)); err != nil || res.Text != "done" {
		t.Fatalf("after a timeout: %v %v", res, err)
	}
}

func TestResetTimeoutOnProgressOptions(t *testing.T) {
	for _, tc := range []struct {
		opts []Option
		want string
	}{
		{[]Option{WithResetTimeoutOnProgress(0)}, "must be positive"},
		{[]Option{WithResetTimeoutOnProgress(time.Minute), WithCallTimeout(0)}, "no call timeout"},
		{[]Option{WithCallTimeout(2 * time.Minute), WithResetTimeoutOnProgress(time.Minute)}, "below the call timeout"},
	} {
		if _, err := NewHTTP("http://127.0.0.1:1/mcp", tc.opts...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err %v, want %q", err, tc.want)
		}
	}
}

// server-everything's long operation reports progress every 250 ms for
// 2.5 s: with the option it outlives a 1 s call timeout.
func TestResetTimeoutOnProgressEverything(t *testing.T) {
	bin := everythingBin(t)
	c, err := NewStdio(bin, []string{"stdio"}, WithName("everything"), WithConnectTimeout(60*time.Second),
		WithCallTimeout(time.Second), WithResetTimeoutOnProgress(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := c.CallTool(ctx, "trigger-long-running-operation", json.RawMessage(`{"duration":2.5,"steps":10}`))
	if err != nil || res.IsError || !strings.Contains(res.Text, "completed") {
		t.Fatalf("%+v %v", res, err)
	}
}
