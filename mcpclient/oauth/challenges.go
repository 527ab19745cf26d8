package oauth

import (
	"fmt"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// maxChallengeBytes bounds the WWW-Authenticate headers of one response.
// Real challenges are a few hundred bytes; the go-sdk's parser is
// quadratic, and a megabyte of header would cost it tens of seconds.
const maxChallengeBytes = 16 << 10

// parseChallenges reads the WWW-Authenticate challenges of a response,
// refusing headers over maxChallengeBytes before parsing them.
func parseChallenges(h http.Header) ([]oauthex.Challenge, error) {
	values := h.Values("WWW-Authenticate")
	n := 0
	for _, v := range values {
		n += len(v)
	}
	if n > maxChallengeBytes {
		return nil, fmt.Errorf("malformed WWW-Authenticate header: %d bytes, more than the %d accepted", n, maxChallengeBytes)
	}
	cs, err := oauthex.ParseWWWAuthenticate(values)
	if err != nil {
		return nil, fmt.Errorf("malformed WWW-Authenticate header: %w", err)
	}
	return cs, nil
}
