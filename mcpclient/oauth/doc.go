// Package oauth authenticates mcprun's HTTP MCP clients against OAuth-protected
// servers, on the go-sdk's auth and oauthex packages and golang.org/x/oauth2.
//
// The easy path is a [Handler]: it wraps the go-sdk's
// auth.AuthorizationCodeHandler (discovery, PKCE S256, state and iss checks,
// the resource parameter, step-up) and adds what that handler lacks: tokens
// and client registrations persisted in a [TokenStore] ([FileStore],
// [MemoryStore], or the OS keyring's store in mcpclient/oauth/keyring), so a
// server is registered once and a login survives restarts; refresh before
// expiry and on a 401; a revoked refresh token leading back to one login. The code fetcher is pluggable: a
// [LoopbackFetcher] receives the browser's redirect on 127.0.0.1, a
// [RedirectFollower] follows it without a browser (tests, headless servers).
//
// A server without protected-resource metadata gets the 2025-03-26 rules: its
// origin is the authorization base URL, and the metadata served at
// <origin>/.well-known/oauth-authorization-server is accepted even when its
// issuer is not the origin (often <origin>/oauth), which the go-sdk refuses
// (RFC 8414 §3.3). Everything else stays as strict (HTTPS-or-loopback
// endpoints, PKCE S256, state, iss checked against the advertised issuer);
// servers with protected-resource metadata keep the go-sdk's issuer check.
// The Handler then runs the login itself with the reference flow's code, as
// it does for a public client at a server that lists only "none" for the
// token endpoint.
//
// Machine-to-machine clients use a [ClientCredentialsHandler] instead: the
// client credentials grant (SEP-1046), the client authenticating with a
// secret (client_secret_basic or _post) or a private_key_jwt assertion
// (RFC 7523) signed with github.com/golang-jwt/jwt/v5, the resource
// parameter naming the server, and a new grant as the token expires.
//
// A [JWTBearerHandler] runs the JWT bearer grant (RFC 7523): with a
// workload's JWT for workload identity federation (SEP-1933,
// [NewJWTBearerHandler]), or with an ID-JAG that the user's ID token is
// exchanged for at the enterprise IdP for enterprise-managed authorization
// (SEP-990, [NewEnterpriseHandler]). Any handler can bind its tokens to a
// key with [DPoP] (RFC 9449): [WithDPoP] for the token requests, and
// [DPoP.Transport] around the MCP client's transport.
//
// The reference flow, step by step, is [RequiresAuth], [BuildOAuthParams],
// [OAuthParams.AuthURL], [OAuthParams.Exchange] and [Handler.SetToken].
//
// Errors say which step failed ([StepError]) and never carry tokens or client
// secrets. The package never imports mcpclient: callers hand a [Handler] (or
// a [ClientCredentialsHandler]) to mcpclient.WithOAuthHandler, which
// authenticates the Streamable HTTP and the legacy SSE transport alike.
//
// Every constructor and flow function takes the same [Option] type; an
// option that does not apply where it is given is an error.
package oauth
