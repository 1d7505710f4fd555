package tomledit

import (
	"fmt"
	"strconv"
	"strings"
)

// maxPort is the largest TCP port number.
const maxPort = 65535

// URLPort reads the value as a URL with a literal port,
// scheme://[userinfo@]host:port[/path...], such as "ws://localhost:9099",
// and returns its host as written (an IPv6 address keeps its brackets) and
// its port. Anything else is ErrBadValue: not a string, a string with
// escapes or line breaks, no scheme, no port, or a port written as a
// placeholder (https://localhost:${mgt.transport.https.port}), which the
// runtime fills in and the file does not fix.
func (v Value) URLPort() (host string, port int, err error) {
	hs, he, ps, pe, ok := v.urlParts()
	if !ok {
		return "", 0, newError(ErrBadValue, fmt.Sprintf("%s (line %d) holds %s %s, not a URL with a literal port (scheme://host:port)", v.key, v.Line, v.Type, v.Raw))
	}
	port, _ = strconv.Atoi(v.Raw[ps:pe])
	return v.Raw[hs:he], port, nil
}

// urlParts returns where, in Raw, the URL's host and port are. ok is false
// unless the value is a string whose content is written literally (Text is
// the raw between the quotes) and is a URL with a literal port from 0 to
// maxPort.
func (v Value) urlParts() (hostStart, hostEnd, portStart, portEnd int, ok bool) {
	q := len(v.Quote)
	if v.Type != String || v.Raw[q:len(v.Raw)-q] != v.Text {
		return 0, 0, 0, 0, false
	}
	body := v.Text
	sep := strings.Index(body, "://")
	if sep < 1 || !isScheme(body[:sep]) {
		return 0, 0, 0, 0, false
	}
	authStart := sep + len("://")
	authEnd := len(body)
	if i := strings.IndexAny(body[authStart:], "/?#"); i >= 0 {
		authEnd = authStart + i
	}
	hostStart = authStart
	if at := strings.LastIndexByte(body[authStart:authEnd], '@'); at >= 0 {
		hostStart = authStart + at + 1
	}
	colon := strings.LastIndexByte(body[hostStart:authEnd], ':')
	if colon < 0 || strings.HasPrefix(body[hostStart:], "[") && !strings.HasSuffix(body[hostStart:hostStart+colon], "]") {
		return 0, 0, 0, 0, false // no port, or only a colon inside an IPv6 address
	}
	hostEnd, portStart, portEnd = hostStart+colon, hostStart+colon+1, authEnd
	digits := body[portStart:portEnd]
	n, err := strconv.Atoi(digits)
	if hostEnd == hostStart || len(digits) == 0 || len(digits) > 5 || err != nil || n > maxPort || strings.ContainsAny(digits, "+-") {
		return 0, 0, 0, 0, false
	}
	return q + hostStart, q + hostEnd, q + portStart, q + portEnd, true
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
