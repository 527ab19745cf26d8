// Command tempserver is an embedded Temporal dev server
// (go.temporal.io/server/temporaltest: SQLite in memory, loopback only) for
// tests and for users without a cluster. It is its own module: the server
// cannot share a module graph with go.temporal.io/sdk v1.51 or with mcprun.
//
//	tempserver [-addr 127.0.0.1:7233] [-namespace default]
//
// It prints "ADDRESS NAMESPACE" on one line once it serves, and stops on
// SIGINT or SIGTERM. Its state is lost when it stops.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/protobuf/types/known/durationpb"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7233", "listen on this loopback `HOST:PORT` (port 0 picks a free one)")
	ns := flag.String("namespace", "default", "the `NAMESPACE` to create")
	flag.Parse()
	if err := serve(*addr, *ns); err != nil {
		fmt.Fprintln(os.Stderr, "tempserver:", err)
		os.Exit(1)
	}
}

func serve(addr, ns string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %s: a dev server listens on loopback only", addr)
	}
	if ns == "" {
		return errors.New("-namespace: empty")
	}
	// Listen first: a taken port fails before the server starts.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)

	ts := temporaltest.NewServer()
	defer ts.Stop()
	if err := createNamespace(ts.GetFrontendHostPort(), ns); err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	go func() {
		// The server's frontend listens on a port of its choosing; the
		// address asked for forwards to it.
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				forward(c, ts.GetFrontendHostPort())
			}()
		}
	}()
	fmt.Println(ln.Addr().String(), ns)
	<-stop
	ln.Close()
	return nil
}

// createNamespace registers ns and waits until the frontend serves it.
func createNamespace(hostPort, ns string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	nc, err := client.NewNamespaceClient(client.Options{HostPort: hostPort})
	if err != nil {
		return err
	}
	defer nc.Close()
	err = nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{Namespace: ns, WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour)})
	if err != nil {
		return fmt.Errorf("creating namespace %s: %w", ns, err)
	}
	c, err := client.Dial(client.Options{HostPort: hostPort, Namespace: ns})
	if err != nil {
		return err
	}
	defer c.Close()
	for {
		_, err := c.ListOpenWorkflow(ctx, &workflowservice.ListOpenWorkflowExecutionsRequest{Namespace: ns, MaximumPageSize: 1})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("namespace %s: %w", ns, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func forward(c net.Conn, to string) {
	defer c.Close()
	s, err := net.Dial("tcp", to)
	if err != nil {
		return
	}
	defer s.Close()
	done := make(chan struct{}, 2)
	go func() { io.Copy(s, c); done <- struct{}{} }()
	go func() { io.Copy(c, s); done <- struct{}{} }()
	<-done
}
