package mcpclient_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The wire shape of skills/list, for the example's server.
type listSkillsParams struct {
	mcp.ParamsBase
	Cursor string `json:"cursor,omitempty"`
}

type listSkillsResult struct {
	mcp.ResultBase
	Skills []mcpclient.Skill `json:"skills"`
}

// A server publishing one skill (the skills extension, SEP-2640): listing
// reads no file; LoadSkill reads and verifies the SKILL.md only.
func ExampleClient_LoadSkill() {
	const uri = "skill://greeting/SKILL.md"
	body := "---\nname: greeting\ndescription: How to greet people\n---\n\nSay hello by name.\n"
	sum := sha256.Sum256([]byte(body))

	server := mcp.NewServer(&mcp.Implementation{Name: "skilled", Version: "1"}, &mcp.ServerOptions{
		Capabilities: &mcp.ServerCapabilities{
			Resources:  &mcp.ResourceCapabilities{},
			Extensions: map[string]any{mcpclient.SkillsExtension: map[string]any{}},
		},
	})
	server.AddResource(&mcp.Resource{URI: uri, Name: "greeting", MIMEType: "text/markdown"},
		func(context.Context, *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: "text/markdown", Text: body}}}, nil
		})
	err := mcp.AddReceivingCustomMethod(server, "skills/list",
		func(context.Context, *mcp.ServerSession, *listSkillsParams) (*listSkillsResult, error) {
			return &listSkillsResult{Skills: []mcpclient.Skill{{
				URI:         uri,
				Frontmatter: map[string]any{"name": "greeting", "description": "How to greet people"},
				Resources:   []mcpclient.SkillResource{{URI: uri, Digest: "sha256:" + hex.EncodeToString(sum[:]), Size: int64(len(body))}},
			}}}, nil
		})
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	c, err := mcpclient.NewInMemory(server)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	skills, err := c.Skills(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range skills {
		fmt.Printf("%s: %s\n", s.Name(), s.Description())
		text, err := c.LoadSkill(ctx, s) // verified: size, digest, front matter
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%q\n", text[len(text)-19:])
	}
	// Output:
	// greeting: How to greet people
	// "Say hello by name.\n"
}
