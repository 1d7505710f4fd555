package apim

import (
	"net/url"
	"strconv"
	"strings"
)

// LocalURL returns uri with its port set to port, and whether the provider
// manages it at all: only an absolute URL pointing at the instance itself
// (host localhost or 127.0.0.1, the shipped form) follows the instance's
// ports; a URL naming another host (a load balancer, another instance) is
// left alone. Only the authority changes; the rest of uri is kept as
// written, never re-encoded.
func LocalURL(uri string, port int64) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || u.User != nil {
		return "", false
	}
	host := u.Hostname()
	if host != "localhost" && host != "127.0.0.1" {
		return "", false
	}
	start := strings.Index(uri, "://") + len("://")
	end := start + len(u.Host)
	if start < len("://") || end > len(uri) || uri[start:end] != u.Host {
		return "", false
	}
	return uri[:start] + host + ":" + strconv.FormatInt(port, 10) + uri[end:], true
}
