package mistral

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Content is a message's content: either plain text or a list of chunks,
// never both. It is written as a JSON string when Chunks is nil, else as an
// array; encoding content with both Text and Chunks set is an error.
type Content struct {
	Text   string
	Chunks []Chunk
}

// TextContent returns plain-text content.
func TextContent(s string) Content { return Content{Text: s} }

// MarshalJSON writes a string or an array of chunks.
func (c Content) MarshalJSON() ([]byte, error) {
	if c.Chunks != nil && c.Text != "" {
		return nil, fmt.Errorf("mistral: content has both Text and Chunks")
	}
	if c.Chunks == nil {
		return json.Marshal(c.Text)
	}
	return json.Marshal(c.Chunks)
}

// UnmarshalJSON accepts a string, an array of chunks, or a single chunk
// object (as stream deltas carry).
func (c *Content) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	*c = Content{}
	switch {
	case len(data) == 0 || bytes.Equal(data, []byte("null")):
		return nil
	case data[0] == '"':
		return json.Unmarshal(data, &c.Text)
	case data[0] == '[':
		var buf [32]int
		if bounds, ok := splitArray(data, buf[:0]); ok {
			c.Chunks = make([]Chunk, 0, len(bounds)/2)
			for k := 0; k < len(bounds); k += 2 {
				ch, err := UnmarshalChunk(data[bounds[k]:bounds[k+1]])
				if err != nil {
					return err
				}
				c.Chunks = append(c.Chunks, ch)
			}
			return nil
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(data, &raws); err != nil {
			return err
		}
		c.Chunks = make([]Chunk, 0, len(raws))
		for _, r := range raws {
			ch, err := UnmarshalChunk(r)
			if err != nil {
				return err
			}
			c.Chunks = append(c.Chunks, ch)
		}
		return nil
	case data[0] == '{':
		ch, err := UnmarshalChunk(data)
		if err != nil {
			return err
		}
		c.Chunks = []Chunk{ch}
		return nil
	}
	return fmt.Errorf("mistral: content must be a string or chunks, got %.20q", data)
}

// Chunk is one piece of content. It is a closed sum type: the concrete
// types are exactly *TextChunk, *ToolFileChunk, *ToolReferenceChunk,
// *ImageURLChunk, *DocumentURLChunk, *ThinkChunk and *UnknownChunk (a chunk
// type this package does not know, kept as raw JSON); no other package can
// add one. The Go type is the chunk's type: switch on it.
type Chunk interface {
	// ChunkType is the chunk's "type" on the wire, e.g. "text", which each
	// concrete type determines.
	ChunkType() string
	// isChunk closes the set of chunk types.
	isChunk()
}

// Chunk type names on the wire.
const (
	ChunkTypeText          = "text"
	ChunkTypeToolFile      = "tool_file"
	ChunkTypeToolReference = "tool_reference"
	ChunkTypeImageURL      = "image_url"
	ChunkTypeDocumentURL   = "document_url"
	ChunkTypeThinking      = "thinking"
)

// TextChunk is a piece of text.
type TextChunk struct {
	Text  string                     `json:"text"`
	Extra map[string]json.RawMessage `json:"-"`
}

// ToolFileChunk is a file a built-in tool produced (image generation, code interpreter).
type ToolFileChunk struct {
	Tool     string                     `json:"tool"`
	FileID   string                     `json:"file_id"`
	FileName string                     `json:"file_name,omitempty"`
	FileType string                     `json:"file_type,omitempty"`
	Extra    map[string]json.RawMessage `json:"-"`
}

// ToolReferenceChunk is a source a built-in tool cited (web search, document library).
type ToolReferenceChunk struct {
	Tool        string                     `json:"tool"`
	Title       string                     `json:"title"`
	URL         string                     `json:"url,omitempty"`
	Favicon     string                     `json:"favicon,omitempty"`
	Description string                     `json:"description,omitempty"`
	Extra       map[string]json.RawMessage `json:"-"`
}

// ImageURLChunk is an image given by URL (a string or an object with url and detail).
type ImageURLChunk struct {
	ImageURL json.RawMessage            `json:"image_url"`
	Extra    map[string]json.RawMessage `json:"-"`
}

// DocumentURLChunk is a document given by URL.
type DocumentURLChunk struct {
	DocumentURL  string                     `json:"document_url"`
	DocumentName string                     `json:"document_name,omitempty"`
	Extra        map[string]json.RawMessage `json:"-"`
}

// ThinkChunk carries a reasoning model's thinking.
type ThinkChunk struct {
	Thinking json.RawMessage            `json:"thinking"`
	Closed   *bool                      `json:"closed,omitempty"`
	Extra    map[string]json.RawMessage `json:"-"`
}

// UnknownChunk is a chunk of a type this package does not know, kept as it
// came and written back unchanged. It is read-only: only decoding makes one.
type UnknownChunk struct {
	typ string
	raw json.RawMessage
}

// Raw returns a copy of the chunk's JSON as it came.
func (c *UnknownChunk) Raw() json.RawMessage { return append(json.RawMessage(nil), c.raw...) }

// ChunkType implements Chunk.
func (c *TextChunk) ChunkType() string { return ChunkTypeText }

// ChunkType implements Chunk.
func (c *ToolFileChunk) ChunkType() string { return ChunkTypeToolFile }

// ChunkType implements Chunk.
func (c *ToolReferenceChunk) ChunkType() string { return ChunkTypeToolReference }

// ChunkType implements Chunk.
func (c *ImageURLChunk) ChunkType() string { return ChunkTypeImageURL }

// ChunkType implements Chunk.
func (c *DocumentURLChunk) ChunkType() string { return ChunkTypeDocumentURL }

// ChunkType implements Chunk.
func (c *ThinkChunk) ChunkType() string { return ChunkTypeThinking }

// ChunkType returns the chunk's "type" as it came.
func (c *UnknownChunk) ChunkType() string { return c.typ }

func (*TextChunk) isChunk()          {}
func (*ToolFileChunk) isChunk()      {}
func (*ToolReferenceChunk) isChunk() {}
func (*ImageURLChunk) isChunk()      {}
func (*DocumentURLChunk) isChunk()   {}
func (*ThinkChunk) isChunk()         {}
func (*UnknownChunk) isChunk()       {}

// MarshalJSON implements json.Marshaler.
func (c *TextChunk) MarshalJSON() ([]byte, error) {
	type plain TextChunk
	return encodeChunk(ChunkTypeText, (*plain)(c), c.Extra)
}

// MarshalJSON implements json.Marshaler.
func (c *ToolFileChunk) MarshalJSON() ([]byte, error) {
	type plain ToolFileChunk
	return encodeChunk(ChunkTypeToolFile, (*plain)(c), c.Extra)
}

// MarshalJSON implements json.Marshaler.
func (c *ToolReferenceChunk) MarshalJSON() ([]byte, error) {
	type plain ToolReferenceChunk
	return encodeChunk(ChunkTypeToolReference, (*plain)(c), c.Extra)
}

// MarshalJSON implements json.Marshaler.
func (c *ImageURLChunk) MarshalJSON() ([]byte, error) {
	type plain ImageURLChunk
	return encodeChunk(ChunkTypeImageURL, (*plain)(c), c.Extra)
}

// MarshalJSON implements json.Marshaler.
func (c *DocumentURLChunk) MarshalJSON() ([]byte, error) {
	type plain DocumentURLChunk
	return encodeChunk(ChunkTypeDocumentURL, (*plain)(c), c.Extra)
}

// MarshalJSON implements json.Marshaler.
func (c *ThinkChunk) MarshalJSON() ([]byte, error) {
	type plain ThinkChunk
	return encodeChunk(ChunkTypeThinking, (*plain)(c), c.Extra)
}

// MarshalJSON writes the chunk back as it came.
func (c *UnknownChunk) MarshalJSON() ([]byte, error) { return c.raw, nil }

// encodeChunk writes a chunk: its "type", which its Go type determines, then
// its fields (v points to a method-less copy of the chunk type), then the
// members kept from decoding.
func encodeChunk(typ string, v any, extra map[string]json.RawMessage) ([]byte, error) {
	return encodeHeaded([]member{{"type", typ}}, v, extra)
}

// UnmarshalChunk decodes one chunk by its "type" ("text" when absent).
func UnmarshalChunk(data []byte) (Chunk, error) {
	all, err := decodeMembers(data)
	if err != nil {
		return nil, fmt.Errorf("mistral: decoding chunk: %w", err)
	}
	typ, err := typeOf(all)
	if err != nil {
		return nil, fmt.Errorf("mistral: decoding chunk: %w", err)
	}
	var ch Chunk
	// decode fills v (a method-less copy of the chunk type, so that
	// json.Unmarshal does not recurse) and the chunk's unknown members.
	decode := func(v any, extra *map[string]json.RawMessage) {
		*extra, err = fillKeepingExtra(all, v, "type")
	}
	switch typ {
	case ChunkTypeText, "":
		c := &TextChunk{}
		type plain TextChunk
		decode((*plain)(c), &c.Extra)
		ch = c
	case ChunkTypeToolFile:
		c := &ToolFileChunk{}
		type plain ToolFileChunk
		decode((*plain)(c), &c.Extra)
		ch = c
	case ChunkTypeToolReference:
		c := &ToolReferenceChunk{}
		type plain ToolReferenceChunk
		decode((*plain)(c), &c.Extra)
		ch = c
	case ChunkTypeImageURL:
		c := &ImageURLChunk{}
		type plain ImageURLChunk
		decode((*plain)(c), &c.Extra)
		ch = c
	case ChunkTypeDocumentURL:
		c := &DocumentURLChunk{}
		type plain DocumentURLChunk
		decode((*plain)(c), &c.Extra)
		ch = c
	case ChunkTypeThinking:
		c := &ThinkChunk{}
		type plain ThinkChunk
		decode((*plain)(c), &c.Extra)
		ch = c
	default:
		ch = &UnknownChunk{typ: typ, raw: append(json.RawMessage(nil), bytes.TrimSpace(data)...)}
	}
	if err != nil {
		return nil, fmt.Errorf("mistral: decoding %s chunk: %w", typ, err)
	}
	return ch, nil
}
