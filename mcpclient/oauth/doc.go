// Package oauth authenticates mcprun's HTTP MCP clients against OAuth-protected
// servers. It wraps the go-sdk's auth.AuthorizationCodeHandler (discovery,
// PKCE, step-up) and adds what that handler lacks: persistent tokens and client
// registrations ([TokenStore], [FileStore], [KeyringStore]), a loopback browser
// callback ([LoopbackFetcher]), a RoundTripper for the SSE transport, and the
// CLI's [Login], [Status] and [Logout].
//
// The package never imports mcpclient: callers hand a [Handler] to
// mcpclient.WithOAuthHandler, or a [RoundTripper] to mcpclient.WithRoundTripper.
package oauth
