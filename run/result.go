package run

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mcprun/mcprun/mistral"
)

// A Result is what a run produced.
type Result struct {
	ConversationID string
	// InputEntries are the run's inputs (a prompt is one user message.input).
	InputEntries mistral.Entries
	// OutputEntries are every entry of the run in order: messages, function
	// calls and the results sent back, tool executions, handoffs.
	OutputEntries mistral.Entries
	// Usage sums the usage of every model turn.
	Usage mistral.Usage
	// Files are the files built-in tools produced, as referenced by the
	// messages' tool_file chunks.
	Files []File
	// Turns counts the model requests of the run.
	Turns int
	// Pending are the calls the conversation still awaits an answer to when
	// the run stopped before its final answer (interrupted, a failure, the
	// turn limit, a deferral): [Runner.Resume] answers them. Nil after a
	// final answer.
	Pending []*mistral.FunctionCallEntry
}

// A File is a file produced by a built-in tool (image generation, code
// interpreter). Data is filled only with [WithDownloadFiles].
type File struct {
	ID   string
	Name string
	Type string // file type as the API gives it, e.g. "png"
	Tool string // the tool that produced it
	Data []byte
}

// Entries returns the inputs followed by the outputs.
func (r *Result) Entries() mistral.Entries {
	out := make(mistral.Entries, 0, len(r.InputEntries)+len(r.OutputEntries))
	out = append(out, r.InputEntries...)
	return append(out, r.OutputEntries...)
}

// Text returns the model's answer: the text of the run's last
// message.output entry ("" if there is none, e.g. a run that failed before
// answering). Earlier messages (such as "Looking it up." before a tool call)
// stay in OutputEntries. File and reference chunks are rendered as short
// markers: <File id=ID name=NAME> and <Reference title=TITLE url=URL>.
// [OutputAs] decodes exactly this text.
func (r *Result) Text() string {
	if r == nil {
		return ""
	}
	for i := len(r.OutputEntries) - 1; i >= 0; i-- {
		if m, ok := r.OutputEntries[i].(*mistral.MessageOutputEntry); ok {
			return contentText(m.Content)
		}
	}
	return ""
}

func contentText(c mistral.Content) string {
	if c.Chunks == nil {
		return c.Text
	}
	var b strings.Builder
	for _, ch := range c.Chunks {
		switch ch := ch.(type) {
		case *mistral.TextChunk:
			b.WriteString(ch.Text)
		case *mistral.ToolFileChunk:
			fmt.Fprintf(&b, "<File id=%s name=%s>", ch.FileID, ch.FileName)
		case *mistral.ToolReferenceChunk:
			if ch.URL != "" {
				fmt.Fprintf(&b, "<Reference title=%s url=%s>", ch.Title, ch.URL)
			} else {
				fmt.Fprintf(&b, "<Reference title=%s>", ch.Title)
			}
		}
	}
	return b.String()
}

// OutputAs decodes the answer of a run with structured output (see
// [WithOutput]) into a T: exactly the text [Result.Text] returns, less a
// ```json fence some models put around it. An answer that does not decode,
// carries members T does not have, or has text after the JSON value gives an
// [*OutputError] holding the raw text. OutputAs[json.RawMessage] checks that
// the answer is one JSON value and returns it as is.
func OutputAs[T any](r *Result) (T, error) {
	var v T
	if r == nil {
		return v, &OutputError{Err: errors.New("no result")}
	}
	text := r.Text()
	dec := json.NewDecoder(strings.NewReader(stripFence(text)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, &OutputError{Text: text, Err: err}
	}
	// Anything but white space after the value is refused: another value, a
	// stray bracket (which dec.More would not report), prose.
	if _, err := dec.Token(); err != io.EOF {
		return v, &OutputError{Text: text, Err: errors.New("text after the JSON value")}
	}
	return v, nil
}

// stripFence removes a ```json fence some models put around JSON.
func stripFence(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "```") {
		return t
	}
	t = strings.TrimPrefix(t, "```")
	if i := strings.IndexByte(t, '\n'); i >= 0 {
		t = t[i+1:]
	}
	t = strings.TrimSuffix(strings.TrimSpace(t), "```")
	return strings.TrimSpace(t)
}

func collectFiles(entries mistral.Entries) []File {
	var files []File
	seen := map[string]bool{}
	for _, e := range entries {
		m, ok := e.(*mistral.MessageOutputEntry)
		if !ok {
			continue
		}
		for _, ch := range m.Content.Chunks {
			if f, ok := ch.(*mistral.ToolFileChunk); ok && !seen[f.FileID] {
				seen[f.FileID] = true
				files = append(files, File{ID: f.FileID, Name: f.FileName, Type: f.FileType, Tool: f.Tool})
			}
		}
	}
	return files
}
