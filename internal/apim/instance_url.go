package apim

import (
	"strconv"
	"strings"
)

// instanceHosts are the hosts by which a URL in an instance's own files
// points at the instance itself: localhost and 127.0.0.1, as the shipped
// files write them, and ${carbon.local.ip}, which Carbon resolves to the
// instance's own address (APIM 2.6.0's api-manager.xml writes
// ws://${carbon.local.ip}:9099).
var instanceHosts = []string{"localhost", "127.0.0.1", "${carbon.local.ip}"}

// urlAt is where a URL's authority is written in a text: the URL runs from
// start to end (scheme://host:port, without what follows the authority),
// its port as written from portStart to end.
type urlAt struct {
	start, end int
	host       string
	portStart  int
	hasPort    bool
	userinfo   bool
}

// parseURLAt reads the URL that starts at text[start:]: a scheme, "://"
// and an authority that ends at the first byte of stop or at the end of
// text. ok is false when there is no scheme:// there.
func parseURLAt(text string, start int, stop string) (u urlAt, ok bool) {
	sep := strings.Index(text[start:], "://")
	if sep < 1 || !isScheme(text[start:start+sep]) {
		return urlAt{}, false
	}
	auth := start + sep + len("://")
	end := len(text)
	if i := strings.IndexAny(text[auth:], stop); i >= 0 {
		end = auth + i
	}
	u = urlAt{start: start, end: end, portStart: end}
	hostStart := auth
	if at := strings.LastIndexByte(text[auth:end], '@'); at >= 0 {
		u.userinfo, hostStart = true, auth+at+1
	}
	host := text[hostStart:end]
	colon := strings.LastIndexByte(host, ':')
	if strings.HasPrefix(host, "[") { // an IPv6 address, its colons inside the brackets
		colon = -1
		if rb := strings.IndexByte(host, ']'); rb >= 0 && rb+1 < len(host) && host[rb+1] == ':' {
			colon = rb + 1
		}
	}
	if colon >= 0 {
		u.host, u.portStart, u.hasPort = host[:colon], hostStart+colon+1, true
	} else {
		u.host = host
	}
	return u, true
}

// isScheme reports whether s is a URL scheme: a letter, then letters,
// digits, '+', '-' and '.'.
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// onInstance reports whether the URL names the instance itself, with no
// user information (which a URL the provider rewrites never has).
func (u urlAt) onInstance() bool {
	if u.userinfo {
		return false
	}
	for _, h := range instanceHosts {
		if u.host == h {
			return true
		}
	}
	return false
}

// placeholder reports a port the runtime fills in (${jms.port}): the file
// does not fix it, so the provider leaves it alone.
func (u urlAt) placeholder(text string) bool {
	p := text[u.portStart:u.end]
	return strings.HasPrefix(p, "${") && strings.HasSuffix(p, "}")
}

// literalPort reports a port written as a number: 1 to 5 digits, from 1
// to MaxPort.
func (u urlAt) literalPort(text string) bool {
	p := text[u.portStart:u.end]
	n, err := strconv.ParseInt(p, 10, 64)
	return u.hasPort && len(p) <= 5 && err == nil && !strings.ContainsAny(p, "+-") && n >= 1 && n <= MaxPort
}

// withInstancePort returns url with its port set to port when it names the
// instance itself with a literal port; ok is false, and url returned as
// it is, for any other.
func withInstancePort(url string, port int64) (string, bool) {
	u, ok := parseURLAt(url, 0, "/?#")
	if !ok || !u.onInstance() {
		return url, false
	}
	if !u.literalPort(url) {
		return url, false
	}
	return url[:u.portStart] + strconv.FormatInt(port, 10) + url[u.end:], true
}
