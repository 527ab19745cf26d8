package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// chatCmd is a conversation on stdin: each line is a turn of one
// conversation, run with the same MCP servers (started once), its answer
// streamed to stdout. An empty line is skipped; /exit or end of input ends.
func (a *app) chatCmd(ctx context.Context, args []string) error {
	var f runFlags
	fs := f.register(a, "chat")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// A prompt given as an argument would be silently dropped: the turns come from stdin.
		return fmt.Errorf("chat reads its turns from stdin, one per line: %q is not a flag (for one prompt: mcprun run)", fs.Arg(0))
	}
	if f.jsonOut || f.outputSchema != "" {
		return fmt.Errorf("chat prints text: --json and --output-schema are for `mcprun run`")
	}
	f.stream = true
	r, _, release, err := a.newRunner(ctx, &f, nil)
	if err != nil {
		return err
	}
	defer release()
	in := a.lines() // shared with --confirm's questions
	conversation := f.conversation
	for {
		if a.terminal {
			fmt.Fprint(a.stderr, "> ")
		}
		raw, err := in.ReadString('\n')
		if err != nil && raw == "" {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		line := strings.TrimSpace(raw)
		switch line {
		case "":
			continue
		case "/exit", "/quit":
			return nil
		}
		var opts []run.CallOption
		if conversation != "" {
			opts = append(opts, run.InConversation(conversation))
		}
		res, err := a.streamRun(ctx, r, mistral.TextInputs(line), false, opts...)
		if res != nil && res.ConversationID != "" {
			conversation = res.ConversationID
		}
		fmt.Fprintln(a.stdout)
		if err != nil {
			// One failed turn does not end the chat; the conversation goes on.
			fmt.Fprintf(a.stderr, "mcprun: %s\n", oneLine(err.Error()))
			if ctx.Err() != nil {
				if conversation != "" {
					fmt.Fprintf(a.stderr, "mcprun: conversation %s; continue with:\n  %s\n", conversation, resumeCommand("chat", args, conversation))
				}
				return ctx.Err()
			}
		}
	}
}
