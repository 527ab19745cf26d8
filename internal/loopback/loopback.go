// Package loopback says whether a host is this machine, the one place
// mcprun decides it: plain HTTP, OAuth redirect URIs and callback listeners
// are allowed only there.
package loopback

import (
	"net/netip"
	"strings"
)

// Host reports whether host (a URL's Hostname, or a host with brackets) is
// an IP address in 127.0.0.0/8, ::1 (also as an IPv4-mapped address), or
// exactly "localhost". A name is never resolved: "127.attacker.example"
// and "localhost.example" are not loopback.
func Host(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" {
		return false
	}
	return ip.Unmap().IsLoopback()
}
