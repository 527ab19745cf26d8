package mcpclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.yaml.in/yaml/v3"
)

// The skills extension (SEP-2640, io.modelcontextprotocol/skills): a server
// publishes Agent Skills (a SKILL.md with YAML front matter, and supporting
// files) as resources, and lists them with skills/list, each entry a
// complete manifest of the skill's files with their SHA-256 digests and
// sizes. The client retrieves nothing ahead of need: listing reads no file,
// [Client.LoadSkill] reads the SKILL.md only, [Client.ReadSkillFile] one
// supporting file when asked. Everything read is verified against the
// entry (size, digest, and for SKILL.md its front matter field by field)
// and unverified content is never returned.

// SkillsExtension is the extension's identifier in capabilities.
const SkillsExtension = "io.modelcontextprotocol/skills"

// The extension's limits per skill: a host must accept skills up to them.
// The client refuses larger ones (before reading anything).
const (
	maxSkillResources = 512
	maxSkillBytes     = 16 << 20
)

var (
	// ErrNoSkills is returned by the skills methods when the server does
	// not declare the skills extension.
	ErrNoSkills = errors.New("mcpclient: the server does not declare the skills extension (" + SkillsExtension + ")")
	// ErrSkillVerification is returned (wrapped, matched with errors.Is)
	// when a skill file does not match the skill's entry: its size, its
	// SHA-256 digest, SKILL.md's front matter, or a file the entry does
	// not list. The content is not returned.
	ErrSkillVerification = errors.New("mcpclient: skill verification failed")
	// ErrInvalidSkill is returned when a skill entry cannot be loaded: no
	// resources, malformed digests or sizes, SKILL.md not listed, or over
	// the extension's limits (512 files, 16 MiB).
	ErrInvalidSkill = errors.New("mcpclient: invalid skill entry")
)

// A Skill is a server's entry for one skill (SEP-2640).
type Skill struct {
	// URI is the URI of the skill's SKILL.md; it identifies the skill
	// within its server only.
	URI string `json:"uri"`
	// Frontmatter is the front matter of the SKILL.md as the server
	// rendered it; "name" and "description" are always there.
	Frontmatter map[string]any `json:"frontmatter"`
	// Resources lists every file of the skill, SKILL.md included, with
	// digest and size; nil when Dynamic.
	Resources []SkillResource `json:"-"`
	// Dynamic says the server generates the skill's content and publishes
	// no digests: what is read cannot be verified but for the front matter.
	Dynamic bool `json:"-"`
}

// Name returns the skill's name (from its front matter).
func (s Skill) Name() string { n, _ := s.Frontmatter["name"].(string); return n }

// Description returns the skill's description (from its front matter).
func (s Skill) Description() string { d, _ := s.Frontmatter["description"].(string); return d }

// A SkillResource is one file of a skill.
type SkillResource struct {
	URI    string `json:"uri"`
	Digest string `json:"digest"` // "sha256:" and 64 lowercase hex digits
	Size   int64  `json:"size"`   // bytes
}

// UnmarshalJSON reads an entry whose resources is an array or "dynamic".
func (s *Skill) UnmarshalJSON(b []byte) error {
	type plain Skill
	var w struct {
		plain
		Resources json.RawMessage `json:"resources"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Skill(w.plain)
	switch r := bytes.TrimSpace(w.Resources); {
	case len(r) == 0 || bytes.Equal(r, []byte("null")):
		return fmt.Errorf("skill %q has no resources", s.URI)
	case bytes.Equal(r, []byte(`"dynamic"`)):
		s.Dynamic = true
	default:
		if err := json.Unmarshal(r, &s.Resources); err != nil {
			return fmt.Errorf("skill %q: resources: %w", s.URI, err)
		}
		if s.Resources == nil {
			s.Resources = []SkillResource{}
		}
	}
	return nil
}

// MarshalJSON writes the entry as the extension does.
func (s Skill) MarshalJSON() ([]byte, error) {
	type plain Skill
	var res any = s.Resources
	if s.Dynamic {
		res = "dynamic"
	}
	return json.Marshal(struct {
		plain
		Resources any `json:"resources"`
	}{plain(s), res})
}

// check validates an entry before anything of it is read.
func (s Skill) check() error {
	if s.URI == "" || !strings.HasSuffix(s.URI, "/SKILL.md") {
		return fmt.Errorf("%w: uri %q does not name a SKILL.md", ErrInvalidSkill, s.URI)
	}
	if s.Name() == "" || s.Description() == "" {
		return fmt.Errorf("%w: %s: front matter without name or description", ErrInvalidSkill, s.URI)
	}
	if s.Dynamic {
		return nil
	}
	if s.Resources == nil {
		return fmt.Errorf("%w: %s: no resources", ErrInvalidSkill, s.URI)
	}
	if len(s.Resources) > maxSkillResources {
		return fmt.Errorf("%w: %s: %d files, more than the extension's limit of %d", ErrInvalidSkill, s.URI, len(s.Resources), maxSkillResources)
	}
	var total int64
	root := strings.TrimSuffix(s.URI, "SKILL.md")
	seen := map[string]bool{}
	for _, r := range s.Resources {
		if r.Size < 0 || !validDigest(r.Digest) {
			return fmt.Errorf("%w: %s: file %q: bad size %d or digest %q", ErrInvalidSkill, s.URI, r.URI, r.Size, r.Digest)
		}
		if !strings.HasPrefix(r.URI, root) || seen[r.URI] {
			return fmt.Errorf("%w: %s: file %q is outside the skill or listed twice", ErrInvalidSkill, s.URI, r.URI)
		}
		seen[r.URI] = true
		total += r.Size
	}
	if !seen[s.URI] {
		return fmt.Errorf("%w: %s: its resources do not list the SKILL.md", ErrInvalidSkill, s.URI)
	}
	if total > maxSkillBytes {
		return fmt.Errorf("%w: %s: %d bytes in all, more than the extension's limit of %d", ErrInvalidSkill, s.URI, total, maxSkillBytes)
	}
	return nil
}

func validDigest(d string) bool {
	h, ok := strings.CutPrefix(d, "sha256:")
	if !ok || len(h) != 64 {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// The wire shapes of skills/list and skills/get.
type listSkillsParams struct {
	mcp.ParamsBase
	Cursor string `json:"cursor,omitempty"`
}

type listSkillsResult struct {
	mcp.ResultBase
	Skills     []json.RawMessage `json:"skills"`
	NextCursor string            `json:"nextCursor,omitempty"`
}

type getSkillParams struct {
	mcp.ParamsBase
	URI string `json:"uri"`
}

type getSkillResult struct {
	mcp.ResultBase
	Skill json.RawMessage `json:"skill"`
}

const (
	methodListSkills = "skills/list"
	methodGetSkill   = "skills/get"
	maxSkillPages    = 1000 // a server that pages forever is an error
)

// registerSkills teaches the go-sdk client the extension's methods.
func registerSkills(c *mcp.Client) {
	// Neither name shadows a standard method, the only error.
	_ = mcp.AddSendingCustomMethod[*listSkillsParams, *listSkillsResult](c, methodListSkills)
	_ = mcp.AddSendingCustomMethod[*getSkillParams, *getSkillResult](c, methodGetSkill)
}

// skillsSession returns a session with a server that declares the skills
// extension.
func (c *Client) skillsSession(ctx context.Context) (*mcp.ClientSession, error) {
	cs, _, err := c.acquire(ctx)
	if err != nil {
		return nil, err
	}
	if res := cs.InitializeResult(); res == nil || res.Capabilities == nil || res.Capabilities.Extensions[SkillsExtension] == nil {
		return nil, fmt.Errorf("mcp server %q: %w", c.name, ErrNoSkills)
	}
	return cs, nil
}

// Skills lists the server's skills (skills/list, all pages). It reads no
// skill file. An entry that cannot be loaded (see [ErrInvalidSkill]) is
// left out with a warning in the log. A server that does not declare the
// extension gives [ErrNoSkills]. An empty or partial list does not mean the
// server has no other skills: see [Client.GetSkill].
func (c *Client) Skills(ctx context.Context) ([]Skill, error) {
	if _, err := c.skillsSession(ctx); err != nil {
		return nil, err
	}
	return safe(ctx, c, "list skills", func(ctx context.Context, cs *mcp.ClientSession) ([]Skill, error) {
		var out []Skill
		cursor := ""
		for page := 0; ; page++ {
			if page == maxSkillPages {
				return nil, fmt.Errorf("more than %d pages of skills", maxSkillPages)
			}
			res, err := mcp.CallCustomMethod[*listSkillsParams, *listSkillsResult](ctx, cs, methodListSkills, &listSkillsParams{Cursor: cursor})
			if err != nil {
				return nil, err
			}
			for _, raw := range res.Skills {
				s, err := decodeSkill(raw)
				if err != nil {
					c.opts.logger.Warn("skipping mcp skill entry", "server", c.name, "error", err)
					continue
				}
				out = append(out, s)
			}
			if res.NextCursor == "" {
				return out, nil
			}
			cursor = res.NextCursor
		}
	})
}

// GetSkill gets the entry of the skill whose SKILL.md is at uri
// (skills/get), listed or not.
func (c *Client) GetSkill(ctx context.Context, uri string) (*Skill, error) {
	if _, err := c.skillsSession(ctx); err != nil {
		return nil, err
	}
	return safe(ctx, c, fmt.Sprintf("get skill %q", uri), func(ctx context.Context, cs *mcp.ClientSession) (*Skill, error) {
		res, err := mcp.CallCustomMethod[*getSkillParams, *getSkillResult](ctx, cs, methodGetSkill, &getSkillParams{URI: uri})
		if err != nil {
			return nil, err
		}
		s, err := decodeSkill(res.Skill)
		if err != nil {
			return nil, err
		}
		if s.URI != uri {
			return nil, fmt.Errorf("%w: asked for %q, got the entry of %q", ErrInvalidSkill, uri, s.URI)
		}
		return &s, nil
	})
}

func decodeSkill(raw json.RawMessage) (Skill, error) {
	var s Skill
	if err := json.Unmarshal(raw, &s); err != nil {
		return Skill{}, fmt.Errorf("%w: %v", ErrInvalidSkill, err)
	}
	if err := s.check(); err != nil {
		return Skill{}, err
	}
	return s, nil
}

// LoadSkill loads a skill: it reads the skill's SKILL.md, and nothing
// else, and returns its content once verified against the entry — size and
// SHA-256 digest (unless the skill is Dynamic), then the YAML front matter
// compared field by field with the entry's. A mismatch is an error
// matching [ErrSkillVerification] and the content is not returned; the
// entry may be stale: get it again with [Client.GetSkill].
func (c *Client) LoadSkill(ctx context.Context, s Skill) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	body, err := c.readSkillFile(ctx, s, s.URI)
	if err != nil {
		return nil, err
	}
	if err := checkFrontmatter(body, s.Frontmatter); err != nil {
		return nil, fmt.Errorf("mcp server %q: skill %s: %w: %v", c.name, s.URI, ErrSkillVerification, err)
	}
	return body, nil
}

// ReadSkillFile reads one file of a loaded skill, given as its URI or as a
// path relative to the skill's root ("references/FORMS.md"), and returns
// it once its size and digest match the entry. A file the entry does not
// list is refused without being read; so is a file outside the skill of a
// Dynamic one, whose content cannot be verified.
func (c *Client) ReadSkillFile(ctx context.Context, s Skill, file string) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	root := strings.TrimSuffix(s.URI, "SKILL.md")
	uri := file
	if !strings.Contains(file, "://") {
		uri = root + strings.TrimPrefix(file, "/")
	}
	if !strings.HasPrefix(uri, root) || strings.Contains(strings.TrimPrefix(uri, root), "..") {
		return nil, fmt.Errorf("mcp server %q: skill %s: %w: %q is not a file of the skill", c.name, s.URI, ErrSkillVerification, file)
	}
	return c.readSkillFile(ctx, s, uri)
}

// readSkillFile reads uri with resources/read and verifies it against s.
func (c *Client) readSkillFile(ctx context.Context, s Skill, uri string) ([]byte, error) {
	var want *SkillResource
	for i := range s.Resources {
		if s.Resources[i].URI == uri {
			want = &s.Resources[i]
		}
	}
	if want == nil && !s.Dynamic {
		return nil, fmt.Errorf("mcp server %q: skill %s: %w: the entry does not list %q", c.name, s.URI, ErrSkillVerification, uri)
	}
	res, err := c.ReadResource(ctx, uri)
	if err != nil {
		return nil, err
	}
	var body []byte
	for _, rc := range res.Contents {
		if rc == nil || (rc.URI != "" && rc.URI != uri) {
			continue
		}
		if rc.Blob != nil {
			body = rc.Blob
		} else {
			body = []byte(rc.Text)
		}
		break
	}
	if body == nil {
		return nil, fmt.Errorf("mcp server %q: skill %s: %w: resources/read of %q returned no content for it", c.name, s.URI, ErrSkillVerification, uri)
	}
	if want == nil { // Dynamic: nothing to verify against but the limit
		if len(body) > maxSkillBytes {
			return nil, fmt.Errorf("mcp server %q: skill %s: %w: %q is larger than the extension's limit", c.name, s.URI, ErrSkillVerification, uri)
		}
		return body, nil
	}
	if int64(len(body)) != want.Size {
		return nil, fmt.Errorf("mcp server %q: skill %s: %w: %q is %d bytes, the entry says %d", c.name, s.URI, ErrSkillVerification, uri, len(body), want.Size)
	}
	sum := sha256.Sum256(body)
	if got := "sha256:" + hex.EncodeToString(sum[:]); got != want.Digest {
		return nil, fmt.Errorf("mcp server %q: skill %s: %w: %q has digest %s, the entry says %s", c.name, s.URI, ErrSkillVerification, uri, got, want.Digest)
	}
	return body, nil
}

// checkFrontmatter parses the YAML front matter of a SKILL.md and compares
// it with the entry's, field by field, as JSON values.
func checkFrontmatter(body []byte, want map[string]any) error {
	fm, err := frontmatter(body)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		return fmt.Errorf("front matter: %w", err)
	}
	var got any = map[string]any{}
	if len(doc.Content) > 0 {
		if got, err = yamlValue(doc.Content[0], 0); err != nil {
			return fmt.Errorf("front matter: %w", err)
		}
	}
	gm, ok := got.(map[string]any)
	if !ok {
		return errors.New("front matter is not a YAML mapping")
	}
	g, err := asJSON(gm)
	if err != nil {
		return fmt.Errorf("front matter: %w", err)
	}
	w, err := asJSON(want)
	if err != nil {
		return fmt.Errorf("entry's front matter: %w", err)
	}
	for k, v := range w {
		if !reflect.DeepEqual(g[k], v) {
			return fmt.Errorf("front matter field %q is %s in SKILL.md, %s in the entry", k, short(g[k]), short(v))
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			return fmt.Errorf("front matter field %q is in SKILL.md but not in the entry", k)
		}
	}
	return nil
}

// yamlValue converts a YAML node to a JSON value. A timestamp stays the
// string it was written as (the YAML library would make it a time.Time,
// which JSON writes differently); aliases are followed to a bounded depth.
func yamlValue(n *yaml.Node, depth int) (any, error) {
	if depth > 64 {
		return nil, errors.New("nested too deeply")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0], depth+1)
	case yaml.AliasNode:
		return yamlValue(n.Alias, depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := yamlValue(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	case yaml.ScalarNode:
		if n.ShortTag() == "!!timestamp" {
			return n.Value, nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		return v, nil
	}
	return nil, fmt.Errorf("unexpected YAML node kind %d", n.Kind)
}

// frontmatter returns the YAML between a leading "---" line and the next.
func frontmatter(body []byte) ([]byte, error) {
	text := bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
	rest, ok := bytes.CutPrefix(text, []byte("---\n"))
	if !ok {
		return nil, errors.New("SKILL.md does not begin with YAML front matter (---)")
	}
	if bytes.HasPrefix(rest, []byte("---\n")) || bytes.Equal(rest, []byte("---")) {
		return nil, nil
	}
	end := bytes.Index(rest, []byte("\n---\n"))
	if end < 0 {
		if !bytes.HasSuffix(rest, []byte("\n---")) {
			return nil, errors.New("SKILL.md's front matter does not end (---)")
		}
		end = len(rest) - len("\n---")
	}
	return rest[:end+1], nil
}

// asJSON maps v to the values encoding/json decodes into (float64
// numbers, []any, map[string]any), so that YAML and JSON compare.
func asJSON(v map[string]any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func short(v any) string {
	if v == nil {
		return "absent"
	}
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}
