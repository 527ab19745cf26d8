// Command client is the MCP client the official conformance suite
// (@modelcontextprotocol/conformance) drives: `make conformance` runs it once
// per client scenario.
//
// The suite starts a test server for a scenario, then runs this program with
// the server's URL as the last argument, the scenario's name in
// MCP_CONFORMANCE_SCENARIO and scenario-specific data (client credentials, for
// example) as a JSON object in MCP_CONFORMANCE_CONTEXT. The program does what
// the scenario expects of a client and exits 0; the suite judges what it saw
// on the wire.
//
// Everything goes through mcprun's own layers, packages mcpclient and
// mcpclient/oauth (the authorization code flow, including the 2025-03-26
// back-compat discovery, the client credentials grant with a secret or a
// private_key_jwt assertion, DPoP, workload identity federation and
// enterprise-managed authorization); this program only calls them.
// It mirrors the go-sdk's conformance/everything-client.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mcpclient/oauth"
)

// A scenario does what one conformance scenario expects of a client.
type scenario func(ctx context.Context, serverURL string, cc confContext) error

// confContext is MCP_CONFORMANCE_CONTEXT, decoded.
type confContext map[string]any

func (c confContext) str(key string) string {
	s, _ := c[key].(string)
	return s
}

var scenarios = map[string]scenario{
	"initialize":                            onClient(listTools),
	"tools_call":                            onClient(callAddNumbers),
	"elicitation-sep1034-client-defaults":   onClient(callElicitationDefaults, accepting(map[string]any{})),
	"sse-retry":                             onClient(callReconnection),
	"auth/client-credentials-basic":         runClientCredentials,
	"auth/client-credentials-jwt":           runClientCredentialsJWT,
	"auth/enterprise-managed-authorization": runEnterprise,
	"auth/wif-jwt-bearer":                   runWorkloadIdentity,
	"request-metadata":                      onClient(listTools),
	"auth/dpop":                             runAuthDPoP,
	"auth/dpop-nonce":                       runAuthDPoP,
	"sep-2322-client-request-state":         onClient(callRequestState, accepting(map[string]any{"confirmed": true})),
	"http-standard-headers":                 onClient(useEverything),
	"http-custom-headers":                   onClient(callNamedTools),
	"http-invalid-tool-headers":             onClient(callValidHeaderTools),
	"json-schema-ref-no-deref":              onClient(listToolsLogSkipped),
	"json-schema-2020-12-preservation":      onClient(echoSchema),
	"sep-2640-client-no-prefetch":           onClient(listSkills),
	"sep-2640-client-verify-digest":         onClient(loadSkills),
	"sep-2640-client-verify-size":           onClient(loadSkills),
	"sep-2640-client-verify-frontmatter":    onClient(loadSkills),
}

// Scenarios whose names start with "auth/" and are not in scenarios run the
// authorization code flow (runAuth).
const authPrefix = "auth/"

func main() {
	log.SetFlags(log.Lmicroseconds)
	log.SetPrefix("conformance-client: ")
	if len(os.Args) < 2 {
		usage("usage: %s [flags...] <server-url>", os.Args[0])
	}
	serverURL := os.Args[len(os.Args)-1]
	name := os.Getenv("MCP_CONFORMANCE_SCENARIO")
	if name == "" {
		usage("MCP_CONFORMANCE_SCENARIO is not set")
	}
	var cc confContext
	if s := os.Getenv("MCP_CONFORMANCE_CONTEXT"); s != "" {
		if err := json.Unmarshal([]byte(s), &cc); err != nil {
			log.Fatalf("MCP_CONFORMANCE_CONTEXT: %v", err)
		}
	}
	run, ok := scenarios[name]
	if !ok && strings.HasPrefix(name, authPrefix) {
		run, ok = runAuth, true
	}
	if !ok {
		usage("unknown scenario %q", name)
	}
	// The suite gives a client 30 s by default; give up a little earlier
	// so that the log says why.
	ctx, cancel := context.WithTimeout(context.Background(), 28*time.Second)
	defer cancel()
	log.Printf("scenario %s against %s", name, serverURL)
	if err := run(ctx, serverURL, cc); err != nil {
		log.Printf("scenario %s failed: %v", name, err)
		cancel()
		os.Exit(1)
	}
	log.Printf("scenario %s done", name)
}

func usage(format string, args ...any) {
	names := make([]string, 0, len(scenarios))
	for n := range scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	log.Fatalf("%s\nscenarios: %s, and any other %s* (authorization code flow)",
		fmt.Sprintf(format, args...), strings.Join(names, ", "), authPrefix)
}

// logger is the library's logger: stderr, which the suite keeps.
var logger = slog.New(slog.NewTextHandler(os.Stderr, nil))

// onClient is the scenario that runs do on a client connected to the
// server with opts.
func onClient(do func(ctx context.Context, c *mcpclient.Client, cc confContext) error, opts ...mcpclient.Option) scenario {
	return func(ctx context.Context, serverURL string, cc confContext) error {
		c, err := connect(ctx, serverURL, opts...)
		if err != nil {
			return err
		}
		defer c.Close()
		return do(ctx, c, cc)
	}
}

// accepting answers every elicitation with accept and content.
func accepting(content map[string]any) mcpclient.Option {
	return mcpclient.WithElicitationHandler(func(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		log.Printf("elicitation: %s", req.Params.Message)
		return &mcp.ElicitResult{Action: "accept", Content: content}, nil
	})
}

// connect opens a Streamable HTTP session to serverURL with mcpclient.
// The supervisor's reconnects are off: a scenario is one session.
func connect(ctx context.Context, serverURL string, opts ...mcpclient.Option) (*mcpclient.Client, error) {
	opts = append([]mcpclient.Option{
		mcpclient.WithName("conformance"),
		mcpclient.WithReconnect(0),
		mcpclient.WithLogger(logger),
	}, opts...)
	c, err := mcpclient.NewHTTP(serverURL, append(opts, mcpclient.WithHTTPTransport(mcpclient.Streamable))...)
	if err != nil {
		return nil, err
	}
	if err := c.Connect(ctx); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	info := c.ServerInfo()
	log.Printf("connected to %s %s (protocol %s)", info.Name, info.Version, info.ProtocolVersion)
	return c, nil
}

// callTool lists the tools, checks that name is among them and calls it with
// args. A result with isError set is an error.
func callTool(ctx context.Context, c *mcpclient.Client, name string, args any) error {
	tools, err := c.Tools(ctx)
	if err != nil {
		return fmt.Errorf("list tools: %w", err)
	}
	if !slices.ContainsFunc(tools, func(t mcpclient.Tool) bool { return t.OriginalName == name }) {
		return fmt.Errorf("tool %q not listed", name)
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return err
	}
	res, err := c.CallTool(ctx, name, raw)
	if err != nil {
		return fmt.Errorf("call %s: %w", name, err)
	}
	log.Printf("%s -> %s", name, res.Text)
	if res.IsError {
		return fmt.Errorf("call %s: error result: %s", name, res.Text)
	}
	return nil
}

// initialize, request-metadata: the handshake, then a tools/list.
func listTools(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	_, err := c.Tools(ctx)
	return err
}

// json-schema-ref-no-deref: list the tools; the library refuses the tool
// whose schema has a $ref to another document, and never fetches it.
func listToolsLogSkipped(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	if _, err := c.Tools(ctx); err != nil {
		return err
	}
	return logSkipped(ctx, c)
}

func logSkipped(ctx context.Context, c *mcpclient.Client) error {
	skipped, err := c.SkippedTools(ctx)
	if err != nil {
		return err
	}
	for _, s := range skipped {
		log.Printf("skipped tool %q: %v", s.Name, s.Err)
	}
	return nil
}

// sep-2322-client-request-state: each tool answers with an input-required
// result (2026-07-28 multi-round trip); the library answers its
// elicitation through the elicitation handler and retries with the
// request state echoed.
func callRequestState(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	for _, name := range []string{"test_mrtr_echo_state", "test_mrtr_no_state", "test_mrtr_unrelated", "test_mrtr_no_result_type"} {
		if err := callTool(ctx, c, name, map[string]any{}); err != nil {
			return err
		}
	}
	return nil
}

// http-standard-headers: one of every request that carries Mcp-Method and
// Mcp-Name (SEP-2243): call every tool, read every resource, get every
// prompt.
func useEverything(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	tools, err := c.Tools(ctx)
	if err != nil {
		return err
	}
	for _, t := range tools {
		if _, err := c.CallTool(ctx, t.OriginalName, nil); err != nil {
			return fmt.Errorf("call %s: %w", t.OriginalName, err)
		}
	}
	resources, err := c.Resources(ctx)
	if err != nil {
		return err
	}
	for _, r := range resources {
		if _, err := c.ReadResource(ctx, r.URI); err != nil {
			return err
		}
	}
	prompts, err := c.Prompts(ctx)
	if err != nil {
		return err
	}
	for _, p := range prompts {
		if _, err := c.GetPrompt(ctx, p.Name, nil); err != nil {
			return err
		}
	}
	return nil
}

// http-custom-headers: the calls the scenario names (MCP_CONFORMANCE_CONTEXT
// toolCalls); the library mirrors the x-mcp-header parameters into
// Mcp-Param-* headers.
func callNamedTools(ctx context.Context, c *mcpclient.Client, cc confContext) error {
	var calls struct {
		ToolCalls []struct {
			Name      string          `json:"name"`
			Arguments json.RawMessage `json:"arguments"`
		} `json:"toolCalls"`
	}
	raw, _ := json.Marshal(cc)
	if err := json.Unmarshal(raw, &calls); err != nil || len(calls.ToolCalls) == 0 {
		return fmt.Errorf("MCP_CONFORMANCE_CONTEXT has no toolCalls (%v)", err)
	}
	for _, call := range calls.ToolCalls {
		res, err := c.CallTool(ctx, call.Name, call.Arguments)
		if err != nil {
			return fmt.Errorf("call %s: %w", call.Name, err)
		}
		log.Printf("%s -> %s", call.Name, res.Text)
	}
	return nil
}

// http-invalid-tool-headers: the tools whose x-mcp-header annotations are
// invalid are skipped by the library (and a call by their name refused);
// the valid ones are called.
func callValidHeaderTools(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	tools, err := c.Tools(ctx)
	if err != nil {
		return err
	}
	if err := logSkipped(ctx, c); err != nil {
		return err
	}
	for _, t := range tools {
		if _, err := c.CallTool(ctx, t.OriginalName, json.RawMessage(`{"region":"us-west1"}`)); err != nil {
			return fmt.Errorf("call %s: %w", t.OriginalName, err)
		}
	}
	return nil
}

// json-schema-2020-12-preservation: echo the focal tool's inputSchema, as
// the library kept it (Tool.ServerInputSchema), through json_schema_echo.
func echoSchema(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	tools, err := c.Tools(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(tools, func(t mcpclient.Tool) bool { return t.OriginalName == "json_schema_2020_12_tool" })
	if i < 0 {
		return errors.New("tool json_schema_2020_12_tool not listed")
	}
	return callTool(ctx, c, "json_schema_echo", map[string]any{"schema": tools[i].ServerInputSchema})
}

// sep-2640-client-no-prefetch: list the skills; the library reads no
// skill file until one is loaded.
func listSkills(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	skills, err := c.Skills(ctx)
	if err != nil {
		return err
	}
	for _, s := range skills {
		log.Printf("skill %s: %s (%d files)", s.Name(), s.Description(), len(s.Resources))
	}
	return nil
}

// sep-2640-client-verify-*: load each skill, then read its other files;
// the library refuses a SKILL.md that does not match the entry (size,
// digest, front matter), and then nothing more is read.
func loadSkills(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	skills, err := c.Skills(ctx)
	if err != nil {
		return err
	}
	for _, s := range skills {
		body, err := c.LoadSkill(ctx, s)
		if errors.Is(err, mcpclient.ErrSkillVerification) {
			log.Printf("skill %s refused: %v", s.URI, err)
			continue
		}
		if err != nil {
			return err
		}
		log.Printf("skill %s loaded (%d bytes)", s.URI, len(body))
		for _, r := range s.Resources {
			if r.URI == s.URI {
				continue
			}
			if _, err := c.ReadSkillFile(ctx, s, r.URI); err != nil {
				return err
			}
		}
	}
	return nil
}

// tools_call: call add_numbers(5, 3).
func callAddNumbers(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	return callTool(ctx, c, "add_numbers", map[string]any{"a": 5, "b": 3})
}

// elicitation-sep1034-client-defaults: the tool elicits a form whose schema
// has defaults; accepting with empty content lets the SDK fill them in
// (SEP-1034).
func callElicitationDefaults(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	return callTool(ctx, c, "test_client_elicitation_defaults", map[string]any{})
}

// sse-retry: the server closes the tool call's event stream after a
// priming event with a retry field; the transport must reconnect with
// Last-Event-ID after that delay and get the result.
func callReconnection(ctx context.Context, c *mcpclient.Client, _ confContext) error {
	return callTool(ctx, c, "test_reconnection", map[string]any{})
}

// runAuth runs the OAuth authorization code flow with mcprun's own handler,
// oauth.Handler (which wraps the go-sdk's): discovery (protected-resource
// metadata, or the 2025-03-26 rules for a server without it), registration
// by client ID metadata document, pre-registration or dynamic registration,
// PKCE, state and iss checks; then lists tools and calls test-tool.
func runAuth(ctx context.Context, serverURL string, cc confContext) error {
	return authCodeFlow(ctx, serverURL, cc, nil)
}

// auth/dpop, auth/dpop-nonce: the authorization code flow with DPoP-bound
// tokens (RFC 9449): the library's oauth.DPoP signs the token request's
// proof and, through its transport, every MCP request's, retrying once
// with a server's nonce.
func runAuthDPoP(ctx context.Context, serverURL string, cc confContext) error {
	d, err := oauth.NewDPoP()
	if err != nil {
		return err
	}
	return authCodeFlow(ctx, serverURL, cc, d)
}

func authCodeFlow(ctx context.Context, serverURL string, cc confContext, dpop *oauth.DPoP) error {
	opts := []oauth.Option{
		oauth.WithClientIDMetadataURL("https://conformance-test.local/client-metadata.json"),
		oauth.WithLogger(logger),
	}
	if id := cc.str("client_id"); id != "" {
		opts = append(opts, oauth.WithClientID(id))
		if secret := cc.str("client_secret"); secret != "" {
			opts = append(opts, oauth.WithClientSecret(secret))
		}
	} else {
		opts = append(opts, oauth.WithClientName("mcprun-conformance"))
	}
	var copts []mcpclient.Option
	if dpop != nil {
		opts = append(opts, oauth.WithDPoP(dpop))
		copts = append(copts, mcpclient.WithRoundTripper(dpop.Transport))
	}
	h, err := oauth.NewHandler(serverURL, "http://localhost:3000/callback", fetchAuthorizationCode, opts...)
	if err != nil {
		return fmt.Errorf("auth handler: %w", err)
	}
	return authedToolCall(ctx, serverURL, h, copts...)
}

// auth/client-credentials-basic: the client credentials grant with a
// pre-registered client ID and secret (the OAuth client credentials
// extension, SEP-1046), through the library's oauth.ClientCredentialsHandler.
func runClientCredentials(ctx context.Context, serverURL string, cc confContext) error {
	id, secret := cc.str("client_id"), cc.str("client_secret")
	if id == "" || secret == "" {
		return errors.New("MCP_CONFORMANCE_CONTEXT has no client_id and client_secret")
	}
	return clientCredentials(ctx, serverURL, id, oauth.WithClientSecret(secret))
}

// auth/client-credentials-jwt: the client credentials grant, the client
// authenticating with a JWT signed by its key (private_key_jwt, RFC 7523
// §2.2), through the library's oauth.ClientCredentialsHandler.
func runClientCredentialsJWT(ctx context.Context, serverURL string, cc confContext) error {
	id, key := cc.str("client_id"), cc.str("private_key_pem")
	if id == "" || key == "" {
		return errors.New("MCP_CONFORMANCE_CONTEXT has no client_id and private_key_pem")
	}
	opts := []oauth.Option{oauth.WithPrivateKey([]byte(key))}
	if alg := cc.str("signing_algorithm"); alg != "" { // else from the key
		opts = append(opts, oauth.WithSigningAlgorithm(alg))
	}
	return clientCredentials(ctx, serverURL, id, opts...)
}

func clientCredentials(ctx context.Context, serverURL, clientID string, opts ...oauth.Option) error {
	opts = append(opts, oauth.WithLogger(logger))
	h, err := oauth.NewClientCredentialsHandler(serverURL, clientID, opts...)
	if err != nil {
		return fmt.Errorf("client credentials handler: %w", err)
	}
	return authedToolCall(ctx, serverURL, h)
}

// auth/enterprise-managed-authorization: SEP-990 through the library's
// oauth.NewEnterpriseHandler (token exchange at the IdP, then the JWT
// bearer grant).
func runEnterprise(ctx context.Context, serverURL string, cc confContext) error {
	for _, k := range []string{"client_id", "client_secret", "idp_client_id", "idp_id_token", "idp_issuer"} {
		if cc.str(k) == "" {
			return fmt.Errorf("MCP_CONFORMANCE_CONTEXT has no %s", k)
		}
	}
	h, err := oauth.NewEnterpriseHandler(serverURL, cc.str("client_id"), oauth.EnterpriseIdP{
		Issuer:        cc.str("idp_issuer"),
		TokenEndpoint: cc.str("idp_token_endpoint"),
		ClientID:      cc.str("idp_client_id"),
		IDToken:       func(context.Context) (string, error) { return cc.str("idp_id_token"), nil },
	}, oauth.WithClientSecret(cc.str("client_secret")), oauth.WithLogger(logger))
	if err != nil {
		return err
	}
	return authedToolCall(ctx, serverURL, h)
}

// auth/wif-jwt-bearer: workload identity federation (SEP-1933) through the
// library's oauth.NewJWTBearerHandler, the workload's JWT from the
// scenario.
func runWorkloadIdentity(ctx context.Context, serverURL string, cc confContext) error {
	id, jwt := cc.str("client_id"), cc.str("valid_jwt")
	if id == "" || jwt == "" {
		return errors.New("MCP_CONFORMANCE_CONTEXT has no client_id and valid_jwt")
	}
	h, err := oauth.NewJWTBearerHandler(serverURL, id, func(context.Context, string) (string, error) { return jwt, nil },
		oauth.WithLogger(logger))
	if err != nil {
		return err
	}
	return authedToolCall(ctx, serverURL, h)
}

// authedToolCall lists the tools and calls test-tool, authorized by h.
func authedToolCall(ctx context.Context, serverURL string, h auth.OAuthHandler, opts ...mcpclient.Option) error {
	call := func(ctx context.Context, c *mcpclient.Client, _ confContext) error {
		return callTool(ctx, c, "test-tool", map[string]any{})
	}
	return onClient(call, append(opts, mcpclient.WithOAuthHandler(h))...)(ctx, serverURL, nil)
}

// fetchAuthorizationCode stands in for the browser: the suite's
// authorization server answers the authorization request with a redirect to
// the callback, carrying the code and state, which it reads without following.
func fetchAuthorizationCode(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, args.URL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, fmt.Errorf("authorization request: %s, no redirect", resp.Status)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("authorization redirect: %w", err)
	}
	q := u.Query()
	if e := q.Get("error"); e != "" {
		return nil, fmt.Errorf("authorization refused: %s: %s", e, q.Get("error_description"))
	}
	return &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
}
