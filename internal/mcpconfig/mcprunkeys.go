package mcpconfig

// mcprunKeys are the keys of mcprun.json's own that decide what a server
// may do with the user's environment, money and approval.
var mcprunKeys = []string{"inheritEnv", "trusted", "sampling", "resetTimeoutOnProgress", "maxTotalTimeout", "maxResultBytes"}

// Sampling is what a server may ask of the user's model (mcprun.json's
// "sampling" object). Zero values mean mcprun's defaults.
type Sampling struct {
	// Allow, if set, turns sampling on or off for the server (by default
	// on for stdio servers, off for remote ones).
	Allow *bool
	// MaxRequests and MaxTokens bound the server's sampling over one run;
	// MaxTokensPerRequest caps each request's max_tokens.
	MaxRequests, MaxTokens, MaxTokensPerRequest int
}

// readMcprunKeys reads mcprunKeys from a server entry.
func readMcprunKeys(r *reader, o *object, path string, s *Server) error {
	var err error
	if s.InheritEnv, err = o.boolean("inheritEnv"); err != nil {
		return err
	}
	if s.InheritEnv && s.Transport != Stdio {
		return r.errorf(path+".inheritEnv", "only a stdio server has an environment")
	}
	if s.Trusted, err = o.boolean("trusted"); err != nil {
		return err
	}
	if s.ResetTimeoutOnProgress, err = o.boolean("resetTimeoutOnProgress"); err != nil {
		return err
	}
	if n, ok, err := o.number("maxTotalTimeout"); err != nil {
		return err
	} else if ok {
		if n <= 0 || !s.ResetTimeoutOnProgress {
			return r.errorf(path+".maxTotalTimeout", "want a positive number of seconds, with \"resetTimeoutOnProgress\": true")
		}
		s.MaxTotalTimeout = mcprunTimeout(n)
	}
	if n, ok, err := o.number("maxResultBytes"); err != nil {
		return err
	} else if ok {
		if n != float64(int(n)) || n < 1 {
			return r.errorf(path+".maxResultBytes", "want a positive whole number of bytes, got %v", n)
		}
		s.MaxResultBytes = int(n)
	}
	if !o.has("sampling") {
		return nil
	}
	so, err := r.object(path+".sampling", o.m["sampling"])
	if err != nil {
		return err
	}
	if err := so.strict("allow", "maxRequests", "maxTokens", "maxTokensPerRequest"); err != nil {
		return err
	}
	s.Sampling = &Sampling{}
	if so.has("allow") {
		b, err := so.boolean("allow")
		if err != nil {
			return err
		}
		s.Sampling.Allow = &b
	}
	for k, dst := range map[string]*int{"maxRequests": &s.Sampling.MaxRequests, "maxTokens": &s.Sampling.MaxTokens, "maxTokensPerRequest": &s.Sampling.MaxTokensPerRequest} {
		n, ok, err := so.number(k)
		if err != nil {
			return err
		}
		if ok {
			if n != float64(int(n)) || n < 1 {
				return r.errorf(so.key(k), "want a positive whole number, got %v", n)
			}
			*dst = int(n)
		}
	}
	return nil
}
