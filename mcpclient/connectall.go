package mcpclient

import (
	"context"
	"errors"
	"sync"
)

// ConnectAll connects the clients concurrently, so that servers that are
// slow to start cost the time of the slowest, not the sum. It returns the
// errors of those that failed, joined (each names its server).
func ConnectAll(ctx context.Context, clients ...*Client) error {
	errs := make([]error, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		if c == nil {
			continue
		}
		wg.Go(func() { errs[i] = c.Connect(ctx) })
	}
	wg.Wait()
	for i, err := range errs {
		var se *ServerError
		if err != nil && !errors.As(err, &se) {
			errs[i] = &ServerError{Server: clients[i].Name(), Op: "connect", Err: err}
		}
	}
	return errors.Join(errs...)
}
