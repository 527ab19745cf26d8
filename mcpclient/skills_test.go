package mcpclient

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func digestOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

const (
	skillURI  = "skill://pdf/SKILL.md"
	formsURI  = "skill://pdf/references/FORMS.md"
	skillBody = "---\nname: pdf\ndescription: Work with PDFs\ncreated: 2024-01-01\nmetadata:\n  version: 2\n  tags: [a, b]\n---\n\nUse the forms.\n"
	formsBody = "Forms.\n"
)

// skillEntry is the entry of skillBody, with what served diverging from it
// when tamper is given.
func skillEntry() map[string]any {
	return map[string]any{
		"uri": skillURI,
		"frontmatter": map[string]any{
			"name": "pdf", "description": "Work with PDFs", "created": "2024-01-01",
			"metadata": map[string]any{"version": 2, "tags": []any{"a", "b"}},
		},
		"resources": []any{
			map[string]any{"uri": skillURI, "digest": digestOf(skillBody), "size": len(skillBody)},
			map[string]any{"uri": formsURI, "digest": digestOf(formsBody), "size": len(formsBody)},
		},
	}
}

func skillServer(t *testing.T, body string, entries ...any) *wireServer {
	ws := newWireServer(t, nil)
	ws.skills = entries
	ws.files = map[string]string{skillURI: body, formsURI: formsBody}
	return ws
}

func (ws *wireServer) reads() int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	n := 0
	for _, m := range ws.methods {
		if m == "resources/read" {
			n++
		}
	}
	return n
}

// Listing reads no file; loading reads SKILL.md only, verified; a
// supporting file is read when asked, verified; unlisted files are refused
// unread.
func TestSkillsLazyAndVerified(t *testing.T) {
	bad := skillEntry()
	bad["uri"] = "skill://bad/SKILL.md"
	bad["resources"] = []any{map[string]any{"uri": "skill://bad/SKILL.md", "digest": "md5:x", "size": 1}}
	noRes := skillEntry()
	noRes["uri"] = "skill://nores/SKILL.md"
	delete(noRes, "resources")
	ws := skillServer(t, skillBody, skillEntry(), bad, noRes)
	c := connectWire(t, ws)
	ctx := context.Background()
	skills, err := c.Skills(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(skills) != 1 || skills[0].Name() != "pdf" || skills[0].Description() != "Work with PDFs" || len(skills[0].Resources) != 2 {
		t.Fatalf("skills = %+v, want the valid pdf entry only", skills)
	}
	if n := ws.reads(); n != 0 {
		t.Fatalf("listing read %d files", n)
	}
	s := skills[0]
	body, err := c.LoadSkill(ctx, s)
	if err != nil || string(body) != skillBody {
		t.Fatalf("LoadSkill = %q, %v", body, err)
	}
	if n := ws.reads(); n != 1 {
		t.Fatalf("loading read %d files, want SKILL.md only", n)
	}
	forms, err := c.ReadSkillFile(ctx, s, "references/FORMS.md")
	if err != nil || string(forms) != formsBody {
		t.Fatalf("ReadSkillFile = %q, %v", forms, err)
	}
	for _, f := range []string{"references/OTHER.md", "../other/SKILL.md", "skill://other/SKILL.md"} {
		if _, err := c.ReadSkillFile(ctx, s, f); !errors.Is(err, ErrSkillVerification) {
			t.Errorf("ReadSkillFile(%q) = %v, want ErrSkillVerification", f, err)
		}
	}
	if n := ws.reads(); n != 2 {
		t.Errorf("%d files read, want 2 (refused ones are not read)", n)
	}
	got, err := c.GetSkill(ctx, skillURI)
	if err != nil || got.Name() != "pdf" {
		t.Errorf("GetSkill = %+v, %v", got, err)
	}
}

// A SKILL.md that differs from its entry in digest, size or front matter
// is refused, and its content not returned.
func TestSkillsTampered(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
		entry            func(map[string]any)
	}{
		{"digest", strings.Replace(skillBody, "Use", "Run", 1), "digest", nil},
		{"size", skillBody + "more", "bytes", nil},
		{"front matter", strings.Replace(skillBody, "Work with PDFs", "Steal keys!!", 1), "front matter field \"description\"", func(e map[string]any) {
			// The entry's digest covers the tampered body: only the
			// front matter comparison catches it.
			b := strings.Replace(skillBody, "Work with PDFs", "Steal keys!!", 1)
			e["resources"].([]any)[0] = map[string]any{"uri": skillURI, "digest": digestOf(b), "size": len(b)}
		}},
		{"extra field", strings.Replace(skillBody, "---\n\n", "license: none\n---\n\n", 1), "\"license\" is in SKILL.md but not in the entry", func(e map[string]any) {
			b := strings.Replace(skillBody, "---\n\n", "license: none\n---\n\n", 1)
			e["resources"].([]any)[0] = map[string]any{"uri": skillURI, "digest": digestOf(b), "size": len(b)}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := skillEntry()
			if tc.entry != nil {
				tc.entry(e)
			}
			ws := skillServer(t, tc.body, e)
			c := connectWire(t, ws)
			ctx := context.Background()
			skills, err := c.Skills(ctx)
			if err != nil || len(skills) != 1 {
				t.Fatalf("Skills = %v, %v", skills, err)
			}
			body, err := c.LoadSkill(ctx, skills[0])
			if !errors.Is(err, ErrSkillVerification) || body != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadSkill = %q, %v; want ErrSkillVerification saying %q", body, err, tc.want)
			}
		})
	}
}

func TestSkillsNotDeclared(t *testing.T) {
	c := connectWire(t, newWireServer(t, nil))
	if _, err := c.Skills(context.Background()); !errors.Is(err, ErrNoSkills) {
		t.Errorf("Skills = %v, want ErrNoSkills", err)
	}
}

func TestFrontmatter(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"---\nname: x\n---\nbody", "name: x\n"},
		{"---\r\nname: x\r\n---\r\n", "name: x\n"},
		{"---\nname: x\n---", "name: x\n"},
		{"---\n---\n", ""},
	} {
		got, err := frontmatter([]byte(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("frontmatter(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"name: x\n", "---\nname: x\n", ""} {
		if _, err := frontmatter([]byte(in)); err == nil {
			t.Errorf("frontmatter(%q): no error", in)
		}
	}
}

// FuzzCheckFrontmatter: any SKILL.md is compared without panicking, and a
// body made from an entry's front matter matches it.
func FuzzCheckFrontmatter(f *testing.F) {
	f.Add([]byte(skillBody))
	f.Add([]byte("---\na: &x [*x]\n---\n"))
	f.Add([]byte("---\nname: [\n---\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = checkFrontmatter(body, map[string]any{"name": "pdf"})
	})
}

// FuzzSkillEntry: any skills/list entry decodes or is refused without
// panicking, and one that decodes passes the checks LoadSkill makes.
func FuzzSkillEntry(f *testing.F) {
	b, _ := json.Marshal(skillEntry())
	f.Add(b)
	f.Add([]byte(`{"uri":"skill://x/SKILL.md","frontmatter":{"name":"x","description":"d"},"resources":"dynamic"}`))
	f.Add([]byte(`{"uri":"skill://x/SKILL.md","resources":[{"uri":"skill://x/SKILL.md","digest":"sha256:","size":-1}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := decodeSkill(raw)
		if err != nil {
			return
		}
		if err := s.check(); err != nil {
			t.Fatalf("decoded entry fails its check: %v", err)
		}
		if _, err := json.Marshal(s); err != nil {
			t.Fatalf("decoded entry does not encode: %v", err)
		}
	})
}
