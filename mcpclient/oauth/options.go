package oauth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// An Option configures [NewHandler], [NewClientCredentialsHandler],
// [NewJWTBearerHandler], [NewEnterpriseHandler], [BuildOAuthParams] or
// [RequiresAuth]: one option type for all.
// Options validate their argument (an empty name, a nil store or client is
// an error), and an option that means nothing to the thing being built is
// an error too, not ignored: a client secret without a pre-registered
// client ID, a store for the client credentials grant (which persists
// nothing), anything but [WithHTTPClient] for [RequiresAuth]. Leaving an
// option out is always valid. Each option's documentation says where it
// applies.
type Option func(*options) error

// target is what an option may configure, as a bit set.
type target uint8

const (
	forHandler           target = 1 << iota // NewHandler
	forClientCredentials                    // NewClientCredentialsHandler
	forParams                               // BuildOAuthParams
	forProbe                                // RequiresAuth
	forGrant                                // NewJWTBearerHandler, NewEnterpriseHandler
)

func (t target) String() string {
	var names []string
	for _, x := range []struct {
		t    target
		name string
	}{{forHandler, "NewHandler"}, {forClientCredentials, "NewClientCredentialsHandler"}, {forParams, "BuildOAuthParams"}, {forProbe, "RequiresAuth"}, {forGrant, "NewJWTBearerHandler/NewEnterpriseHandler"}} {
		if t&x.t != 0 {
			names = append(names, x.name)
		}
	}
	return strings.Join(names, " and ")
}

type options struct {
	store               TokenStore
	scopes              []string
	clientName          string
	clientID            string
	clientSecret        string
	clientIDMetadataURL string
	privateKeyPEM       []byte
	signingAlgorithm    string
	httpClient          *http.Client
	logger              *slog.Logger
	dpop                *DPoP

	given []given // the options given, in order
}

type given struct {
	name  string
	where target
}

func (o *options) has(name string) bool {
	return slices.ContainsFunc(o.given, func(g given) bool { return g.name == name })
}

// buildOptions applies opts for t and checks that each applies there and
// that together they make sense.
func buildOptions(t target, opts []Option) (options, error) {
	var o options
	var errs []error
	for _, opt := range opts {
		if opt == nil {
			errs = append(errs, errors.New("oauth: nil Option"))
			continue
		}
		if err := opt(&o); err != nil {
			errs = append(errs, err)
		}
	}
	for _, g := range o.given {
		if g.where&t == 0 {
			errs = append(errs, fmt.Errorf("oauth: %s applies to %s, not %s", g.name, g.where, t))
		}
	}
	if t&(forHandler|forParams) != 0 {
		if o.has("WithClientSecret") && !o.has("WithClientID") {
			errs = append(errs, errors.New("oauth: WithClientSecret needs WithClientID: a client registered dynamically gets its secret from the server"))
		}
		if o.has("WithClientName") && o.has("WithClientID") {
			errs = append(errs, errors.New("oauth: WithClientName is sent in dynamic registration, which WithClientID skips"))
		}
	}
	if t == forClientCredentials {
		if o.has("WithClientSecret") == o.has("WithPrivateKey") {
			errs = append(errs, errors.New("oauth: NewClientCredentialsHandler needs exactly one of WithClientSecret and WithPrivateKey"))
		}
		if o.has("WithSigningAlgorithm") && !o.has("WithPrivateKey") {
			errs = append(errs, errors.New("oauth: WithSigningAlgorithm needs WithPrivateKey"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return options{}, err
	}
	return o, nil
}

// option makes an Option named name that applies to where; set checks
// the argument and sets it.
func option(name string, where target, set func(*options) error) Option {
	return func(o *options) error {
		o.given = append(o.given, given{name, where})
		if err := set(o); err != nil {
			return fmt.Errorf("oauth: %s: %w", name, err)
		}
		return nil
	}
}

// WithStore persists tokens and the client registration in s, so a server
// is registered once and a login survives restarts. By default a [Handler]
// keeps them in a [MemoryStore]. For [BuildOAuthParams], a client
// registration stored in s is reused (and a new one stored), and
// [OAuthParams.Exchange] stores the token. A nil store is an error.
// Applies to NewHandler and BuildOAuthParams.
func WithStore(s TokenStore) Option {
	return option("WithStore", forHandler|forParams, func(o *options) error {
		if s == nil {
			return errors.New("nil store")
		}
		o.store = s
		return nil
	})
}

// WithScopes sets the scopes to ask for. For a [Handler] and
// [BuildOAuthParams] they are also part of the store key; by default the
// scopes requested come from the server's challenge, else its metadata's
// scopes_supported. For a [ClientCredentialsHandler] they are requested in
// every grant, together with those of the server's challenge, as for a
// [JWTBearerHandler] (which never falls back to scopes_supported). No
// scopes, or an empty or blank one, is an error. Applies to NewHandler,
// NewClientCredentialsHandler, NewJWTBearerHandler, NewEnterpriseHandler
// and BuildOAuthParams.
func WithScopes(scopes ...string) Option {
	return option("WithScopes", forHandler|forClientCredentials|forParams|forGrant, func(o *options) error {
		if len(scopes) == 0 {
			return errors.New("no scopes")
		}
		for _, s := range scopes {
			if s == "" || strings.ContainsAny(s, " \t\r\n\"\\") {
				return fmt.Errorf("invalid scope %q", s)
			}
		}
		o.scopes = slices.Clone(scopes)
		return nil
	})
}

// WithClientName sets the client_name sent in dynamic client registration;
// the default is "mcprun". An empty name is an error, and so is giving it
// with [WithClientID] (no registration then). Applies to NewHandler and
// BuildOAuthParams.
func WithClientName(name string) Option {
	return option("WithClientName", forHandler|forParams, func(o *options) error {
		if strings.TrimSpace(name) == "" {
			return errors.New("empty name")
		}
		o.clientName = name
		return nil
	})
}

// WithClientID logs in as a client registered beforehand with the
// authorization server, instead of registering one dynamically: a public
// client, or a confidential one with [WithClientSecret]. An empty ID is an
// error. Applies to NewHandler and BuildOAuthParams; the client credentials
// grant takes its client ID as an argument of [NewClientCredentialsHandler].
func WithClientID(id string) Option {
	return option("WithClientID", forHandler|forParams, func(o *options) error {
		if id == "" {
			return errors.New("empty client ID")
		}
		o.clientID = id
		return nil
	})
}

// WithClientSecret authenticates the client with a secret: the
// pre-registered client of [WithClientID], or the client of a
// [ClientCredentialsHandler] (client_secret_basic, or client_secret_post if
// the authorization server lists only that; exclusive with
// [WithPrivateKey]). An empty secret is an error, and so is a secret
// without WithClientID for NewHandler and BuildOAuthParams. For a
// [JWTBearerHandler] it authenticates the client at the token endpoint
// (without it, the client is public). Applies to NewHandler,
// NewClientCredentialsHandler, NewJWTBearerHandler, NewEnterpriseHandler
// and BuildOAuthParams.
func WithClientSecret(secret string) Option {
	return option("WithClientSecret", forHandler|forClientCredentials|forParams|forGrant, func(o *options) error {
		if secret == "" {
			return errors.New("empty secret")
		}
		o.clientSecret = secret
		return nil
	})
}

// WithClientIDMetadataURL uses u, the HTTPS URL of a Client ID Metadata
// Document, as the client_id where the authorization server supports such
// documents (elsewhere the client registers as usual). A URL that is not
// https with a path is an error. Applies to NewHandler.
func WithClientIDMetadataURL(u string) Option {
	return option("WithClientIDMetadataURL", forHandler, func(o *options) error {
		p, err := url.Parse(u)
		if err != nil || p.Scheme != "https" || p.Host == "" || p.Path == "" || p.Path == "/" {
			return fmt.Errorf("%q is not an https URL with a path", u)
		}
		o.clientIDMetadataURL = u
		return nil
	})
}

// WithPrivateKey authenticates the client credentials grant's client with
// a private_key_jwt assertion (RFC 7523 §2.2) signed by this key: PEM,
// PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC 1 ("EC PRIVATE
// KEY"), unencrypted; ECDSA P-256/P-384/P-521, RSA and Ed25519 keys.
// Exclusive with [WithClientSecret]. An empty key is an error (a key that
// does not parse is [NewClientCredentialsHandler]'s). Applies to
// NewClientCredentialsHandler.
func WithPrivateKey(pemData []byte) Option {
	return option("WithPrivateKey", forClientCredentials, func(o *options) error {
		if len(pemData) == 0 {
			return errors.New("empty key")
		}
		o.privateKeyPEM = slices.Clone(pemData)
		return nil
	})
}

// WithSigningAlgorithm sets the JWS algorithm of the private_key_jwt
// assertion ("ES256", "RS256", "PS256", "EdDSA", …). By default it follows
// from the key: ES256, ES384 or ES512 by curve; RS256 for RSA (PS256 if the
// authorization server lists PS256 and not RS256); EdDSA for Ed25519. An
// empty name is an error, and so is giving it without [WithPrivateKey].
// Applies to NewClientCredentialsHandler.
func WithSigningAlgorithm(alg string) Option {
	return option("WithSigningAlgorithm", forClientCredentials, func(o *options) error {
		if alg == "" {
			return errors.New("empty algorithm")
		}
		o.signingAlgorithm = alg
		return nil
	})
}

// WithHTTPClient sets the client of the probe and of every OAuth request
// (metadata, registration, token); by default http.DefaultClient's
// transport. Its redirect policy is replaced: a POST never follows a
// redirect, a GET only on its origin. A nil client is an error. Applies
// everywhere.
func WithHTTPClient(c *http.Client) Option {
	return option("WithHTTPClient", forHandler|forClientCredentials|forParams|forProbe|forGrant, func(o *options) error {
		if c == nil {
			return errors.New("nil client")
		}
		o.httpClient = c
		return nil
	})
}

// WithLogger sets where the handler logs the flow's events (never tokens,
// secrets or keys); by default nothing is logged. A nil logger is an
// error. Applies to NewHandler, NewClientCredentialsHandler,
// NewJWTBearerHandler and NewEnterpriseHandler.
func WithLogger(l *slog.Logger) Option {
	return option("WithLogger", forHandler|forClientCredentials|forGrant, func(o *options) error {
		if l == nil {
			return errors.New("nil logger")
		}
		o.logger = l
		return nil
	})
}
