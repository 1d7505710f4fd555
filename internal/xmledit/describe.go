package xmledit

import (
	"fmt"
	"strings"
)

// describe writes a step the way it looks in the file: <Offset> or
// <parameter name="inbound.ws.port">.
func (s Step) describe() string {
	if s.AttrName == "" {
		return "<" + s.Local + ">"
	}
	return fmt.Sprintf("<%s %s=\"%s\">", s.Local, s.AttrName, EscapeAttr(s.AttrValue, '"'))
}

// describe writes a path for a person: <Server>/<Ports>/<Offset>.
// Namespaces are left out; messages name them where they are the problem.
func (p Path) describe() string {
	parts := make([]string, len(p))
	for i, s := range p {
		parts[i] = s.describe()
	}
	return strings.Join(parts, "/")
}

// check rejects paths that cannot name an element, so that a typo in the
// caller's code is reported as such and not as "not found".
func (p Path) check() error {
	if len(p) == 0 {
		return newError(ErrInvalidArgument, "empty element path")
	}
	for _, s := range p {
		if !isNCName(s.Local) {
			return newError(ErrInvalidArgument, fmt.Sprintf("element path %s: %q is not an XML element name", p.describe(), s.Local))
		}
		if s.AttrName != "" && (!isNCName(s.AttrName) || s.AttrName == "xmlns") {
			return newError(ErrInvalidArgument, fmt.Sprintf("element path %s: %q is not an XML attribute name", p.describe(), s.AttrName))
		}
	}
	return nil
}
