package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// This file is the stdio transport: the go-sdk's public mcp.Transport and
// mcp.Connection over a child's stdin and stdout, newline-delimited JSON.
// Compared with the go-sdk's CommandTransport (still selectable, see
// [WithSDKStdio]):
//
//   - Read reads and decodes in the go-sdk's reading goroutine, no hand-off
//     to a goroutine of its own;
//   - every message is decoded once, by encoding/json into the jsonrpc
//     types, with no per-message decoder or buffer;
//   - writes from concurrent callers are gathered: while one caller writes,
//     the others append to a buffer that goes out in the next single write;
//   - a line that is not JSON-RPC (a server's stray print) is skipped and
//     logged at debug level, as the TypeScript SDK's client does;
//   - a connection whose reading or writing failed says so at once
//     ([connFailure]), so that the next call reconnects rather than
//     fails on it.

// defaultMaxLine bounds a message from a stdio server, as the go-sdk's.
const defaultMaxLine = mcp.DefaultMaxLineLength

// maxKeptWriteBuffer bounds the write buffer kept between writes.
const maxKeptWriteBuffer = 1 << 20

// stdioTransport starts cmd (prepared by the caller: environment, process
// group, stderr) and speaks MCP over its stdin and stdout.
type stdioTransport struct {
	cmd       *exec.Cmd
	terminate time.Duration // after stdin is closed, before SIGTERM, then SIGKILL
	maxLine   int
	logger    *slog.Logger
	server    string // the client's name, for logs

	connFailure // why the connection failed or was closed
}

func newStdioTransport(cmd *exec.Cmd, terminate time.Duration, maxLine int, logger *slog.Logger, server string) *stdioTransport {
	if terminate <= 0 {
		terminate = 5 * time.Second // the go-sdk's default
	}
	if maxLine <= 0 {
		maxLine = defaultMaxLine
	}
	return &stdioTransport{cmd: cmd, terminate: terminate, maxLine: maxLine, logger: logger, server: server}
}

// Connect starts the command with pipes of its own for stdin and stdout
// (files handed to the child as they are: no copying goroutines).
func (t *stdioTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	t.cmd.Stdin, t.cmd.Stdout = inR, outW
	err = t.cmd.Start()
	// The child has its own copies of its ends.
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, err
	}
	c := &stdioConn{t: t, stdin: inW, stdout: outR, lines: newLineReader(outR, t.maxLine)}
	c.exited = make(chan error, 1)
	return c, nil
}

// stdioConn is one connection of a stdioTransport.
type stdioConn struct {
	t      *stdioTransport
	stdin  *os.File // our end of the child's stdin
	stdout *os.File // our end of the child's stdout

	// Read's, which the go-sdk calls from one goroutine.
	lines *lineReader
	dec   decoder
	queue []jsonrpc.Message // the rest of a batch

	wmu     sync.Mutex
	wbuf    []byte // what the next write sends
	spare   []byte // the buffer of the write before, reused
	writing bool   // a caller is writing; others only append to wbuf
	werr    error

	calls pendingCalls // tools/call requests awaiting an answer (oversize.go)

	closeOnce sync.Once
	closeErr  error
	exited    chan error // cmd.Wait's result
	waitOnce  sync.Once
}

// SessionID implements mcp.Connection: stdio has no session id.
func (c *stdioConn) SessionID() string { return "" }

// Read returns the next message. It skips blank lines and lines that are
// not JSON-RPC, logging those at debug level with their first bytes.
func (c *stdioConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(c.queue) > 0 {
		m := c.queue[0]
		c.queue = c.queue[1:]
		return m, nil
	}
	for {
		line, err := c.lines.next()
		if err != nil {
			if m, ok := c.oversized(err); ok {
				return m, nil // the session goes on
			}
			return nil, c.readFailed(err)
		}
		if firstNonSpace(line) == 0 {
			continue
		}
		msgs, err := c.dec.decode(line)
		if err != nil {
			c.t.logger.Debug("mcp server wrote a line that is not JSON-RPC; skipped", "server", c.t.server, "line", head(line, 64), "error", err)
			continue
		}
		c.queue = msgs[1:]
		c.calls.answered(msgs)
		return msgs[0], nil
	}
}

// readFailed ends the connection after a read error, and says why.
func (c *stdioConn) readFailed(err error) error {
	switch {
	case errors.Is(err, os.ErrClosed):
		err = io.EOF // Close closed it
	case errors.Is(err, errLineTooLong):
		err = fmt.Errorf("%w: a message from the server exceeded the maximum length: %w", ErrConnectionLost, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = fmt.Errorf("%w: the server's stdout ended in the middle of a message: %w", ErrConnectionLost, err)
	case err != io.EOF:
		err = fmt.Errorf("%w: reading the server's stdout: %w", ErrConnectionLost, err)
	}
	c.t.fail(err)
	// Nothing more will be read: a server still writing (a line too long)
	// gets EPIPE rather than blocking on a full pipe.
	_ = c.stdout.Close()
	return err
}

// head returns the first n bytes of b as a string, marking a cut.
func head(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// Write sends msg. Concurrent writes are gathered: the caller that finds
// no write in progress writes everything appended until then, in one write
// per round; the others return once their message is in the buffer. A
// failed write ends the connection (the calls waiting on it fail with the
// connection), and later writes return its error.
func (c *stdioConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.wmu.Lock()
	if c.werr != nil {
		err := c.werr
		c.wmu.Unlock()
		return err
	}
	n := len(c.wbuf)
	buf, err := appendMessage(c.wbuf, msg)
	if err != nil {
		c.wbuf = buf[:n]
		c.wmu.Unlock()
		return fmt.Errorf("mcpclient: encoding a message: %w", err)
	}
	c.wbuf = append(buf, '\n')
	c.calls.sent(msg)
	if c.writing {
		c.wmu.Unlock()
		return nil
	}
	c.writing = true
	for len(c.wbuf) > 0 && c.werr == nil {
		out := c.wbuf
		c.wbuf = c.spare[:0]
		c.wmu.Unlock()
		_, err := c.stdin.Write(out)
		c.wmu.Lock()
		if cap(out) <= maxKeptWriteBuffer {
			c.spare = out[:0]
		} else {
			c.spare = nil
		}
		if err != nil {
			c.werr = fmt.Errorf("%w: writing to the server's stdin: %w", ErrConnectionLost, err)
		}
	}
	c.writing = false
	err = c.werr
	c.wmu.Unlock()
	if err != nil {
		c.t.fail(err)
		// Unblocks Read, so that the go-sdk ends the session.
		_ = c.stdout.Close()
	}
	return err
}

// Close stops the server as the go-sdk's CommandTransport does: stdin is
// closed, then the server is given the terminate timeout to exit, then
// SIGTERM and as long again, then SIGKILL. It returns the server's exit
// status (an *exec.ExitError when it was not zero).
func (c *stdioConn) Close() error {
	c.closeOnce.Do(func() {
		c.t.fail(mcp.ErrConnectionClosed)
		_ = c.stdin.Close()
		c.closeErr = c.stop()
		_ = c.stdout.Close() // unblocks Read, if a grandchild holds the pipe
	})
	return c.closeErr
}

func (c *stdioConn) stop() error {
	c.waitOnce.Do(func() {
		go func() { c.exited <- c.t.cmd.Wait() }()
	})
	wait := func() (error, bool) {
		t := time.NewTimer(c.t.terminate)
		defer t.Stop()
		select {
		case err := <-c.exited:
			return err, true
		case <-t.C:
			return nil, false
		}
	}
	if err, ok := wait(); ok {
		return err
	}
	if err := c.t.cmd.Process.Signal(syscall.SIGTERM); err == nil {
		if err, ok := wait(); ok {
			return err
		}
	}
	if err := c.t.cmd.Process.Kill(); err != nil {
		return err
	}
	if err, ok := wait(); ok {
		return err
	}
	return errors.New("mcpclient: the server did not exit after SIGKILL")
}
