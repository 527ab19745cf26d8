package mcpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"

	"github.com/mcprun/mcprun/internal/atomicfile"
	"github.com/mcprun/mcprun/internal/filelock"
)

// maxPinFile bounds the pin file read: pins are ~250 bytes a tool.
const maxPinFile = 64 << 20

// A FilePinStore keeps tool pins in one JSON file, {"server": {"tool":
// pin}}, written 0600 (its folder 0700) by replacing it whole, under a lock
// file beside it: each save re-reads the file under the lock and changes
// only the pins it is given, so that two processes (a run pinning a new
// tool, a user accepting a change) never lose each other's pins.
type FilePinStore struct {
	path string
}

// NewFilePinStore returns a store in the file at path (created when the
// first pins are saved). path must not be empty.
func NewFilePinStore(path string) (*FilePinStore, error) {
	if path == "" {
		return nil, errors.New("mcpclient: NewFilePinStore: empty path")
	}
	return &FilePinStore{path: path}, nil
}

// Path returns the file's path.
func (s *FilePinStore) Path() string { return s.path }

// LoadPins implements [PinStore].
func (s *FilePinStore) LoadPins(ctx context.Context, server string) (map[string]ToolPin, error) {
	all, err := s.read()
	if err != nil {
		return nil, err
	}
	pins := all[server]
	for name, p := range pins { // the file is indented; give back what was saved
		p.InputSchema, p.Annotations = compact(p.InputSchema), compact(p.Annotations)
		pins[name] = p
	}
	return pins, nil
}

func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if raw == nil || json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

// SavePins implements [PinStore].
func (s *FilePinStore) SavePins(ctx context.Context, server string, pins map[string]ToolPin) error {
	unlock, err := filelock.Lock(ctx, s.path+".lock")
	if err != nil {
		return err
	}
	defer unlock()
	all, err := s.read()
	if err != nil {
		return err
	}
	if all == nil {
		all = map[string]map[string]ToolPin{}
	}
	if all[server] == nil {
		all[server] = make(map[string]ToolPin, len(pins))
	}
	maps.Copy(all[server], pins)
	b, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(s.path, append(b, '\n')); err != nil {
		return fmt.Errorf("tool pins: %w", err)
	}
	return nil
}

func (s *FilePinStore) read() (map[string]map[string]ToolPin, error) {
	f, err := os.Open(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tool pins: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPinFile+1))
	if err != nil {
		return nil, fmt.Errorf("tool pins: %w", err)
	}
	if len(b) > maxPinFile {
		return nil, fmt.Errorf("tool pins %s: over %d bytes", s.path, maxPinFile)
	}
	var all map[string]map[string]ToolPin
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, fmt.Errorf("tool pins %s: not a pin file ({\"server\": {\"tool\": pin}}): %w; repair it, or move it away to pin every tool anew", s.path, err)
	}
	return all, nil
}
