package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/mcprun/mcprun/mistraltest"
)

// mockServerCmd serves mistraltest with the demo model until interrupted.
func (a *app) mockServerCmd(ctx context.Context, args []string) error {
	fs := a.newFlagSet("mock-server", "mock-server [--addr HOST:PORT]")
	addr := fs.String("addr", "127.0.0.1:8089", "the `HOST:PORT` to listen on")
	key := fs.String("api-key", "", "require this bearer `KEY` (default: any non-empty key)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	var opts []mistraltest.Option
	if *key != "" {
		opts = append(opts, mistraltest.WithAPIKey(*key))
	}
	srv := mistraltest.NewUnstartedServer(demoModel(), opts...)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(a.stdout, "mistraltest listening on http://%s (scripted weather model; Ctrl-C stops)\n", ln.Addr())
	fmt.Fprintf(a.stdout, "use it with: MISTRAL_SERVER_URL=http://%s MISTRAL_API_KEY=test mcprun run ...\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	srv.Close()
	return nil
}
