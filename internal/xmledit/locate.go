package xmledit

import (
	"fmt"
	"strings"
)

// locate scans the whole document and returns the one element p matches.
func locate(doc []byte, p Path) (*scanResult, *element, error) {
	if err := p.check(); err != nil {
		return nil, nil, err
	}
	r, err := scan(doc, p)
	if err != nil {
		return nil, nil, err
	}
	switch len(r.matches) {
	case 0:
		return nil, nil, r.notFound()
	case 1:
		return r, r.matches[0], nil
	}
	lines := make([]string, 0, len(r.matches))
	for i, m := range r.matches {
		if i == 5 {
			lines = append(lines, "...")
			break
		}
		lines = append(lines, fmt.Sprint(m.line))
	}
	return nil, nil, newError(ErrAmbiguous, fmt.Sprintf("%s is ambiguous: %d elements match it (lines %s); an edit needs exactly one",
		p.describe(), len(r.matches), strings.Join(lines, ", ")))
}

// notFound explains how far the path got, so that the user can tell a
// missing element from a wrong namespace or a wrong attribute value.
func (r *scanResult) notFound() error {
	p := r.path
	msg := fmt.Sprintf("%s not found: ", p.describe())
	switch {
	case r.deepest == 0 && r.miss != nil && r.miss.attr:
		msg += fmt.Sprintf("the root element <%s> does not have %s=\"%s\"", r.rootQName, p[0].AttrName, EscapeAttr(p[0].AttrValue, '"'))
	case r.deepest == 0 && r.miss != nil:
		msg += fmt.Sprintf("the root element <%s> is in namespace %q, not %q", r.rootQName, r.miss.space, p[0].Space)
	case r.deepest == 0:
		msg += fmt.Sprintf("the root element is <%s>, not %s", r.rootQName, p[0].describe())
	default:
		msg += fmt.Sprintf("%s (line %d) has no child element %s", p[:r.deepest].describe(), r.deepestLine, p[r.deepest].describe())
		if m := r.miss; m != nil && m.depth == r.deepest {
			if m.attr {
				msg += fmt.Sprintf(" (there is a <%s> at line %d, with another %s)", p[m.depth].Local, m.line, p[m.depth].AttrName)
			} else {
				msg += fmt.Sprintf(" (there is a <%s> at line %d, but in namespace %q, not %q)", p[m.depth].Local, m.line, m.space, p[m.depth].Space)
			}
		}
	}
	return newError(ErrNotFound, msg)
}
