package xmledit

import (
	"bytes"
	"fmt"
	"strings"
)

// InsertChild returns a copy of doc with a new element
// <Local AttrName="AttrValue">EscapeText(text)</Local> (the attribute only
// when child.AttrName is set) added as the first child (first: right after
// the parent's start tag) or the last child (just before the line break
// that precedes the parent's end tag, or before the end tag when there is
// none) of the single element parent matches. The new element goes on a
// line of its own:
//
//   - indented like the nearest sibling element that starts a line (the
//     first such child for first, the last one otherwise), with that
//     sibling's line ending; without one, with the parent's indentation plus
//     one level in the parent's style and the document's line ending;
//   - written with the parent's namespace prefix, if it has one, so that it
//     is in the parent's namespace. child.Space must be that namespace
//     (ErrInvalidArgument otherwise): a child cannot be put in another
//     namespace without adding a declaration.
//
// Exactly the line break and indentation before the new element are added,
// so RemoveElement(out, parent+child) returns doc byte for byte; InsertChild
// checks that, and that the new element reads back as text, before it
// returns.
//
// It refuses with ErrAmbiguous when the parent already has a child matching
// child (a second one would make the path ambiguous), and with ErrNotText
// when the parent is self-closing or holds text of its own. child.Local and
// child.AttrName must be ASCII XML names.
func InsertChild(doc []byte, parent Path, child Step, text string, first bool) ([]byte, error) {
	if !isASCIINCName(child.Local) {
		return nil, newError(ErrInvalidArgument, fmt.Sprintf("cannot insert %s: %q is not an ASCII XML element name", child.describe(), child.Local))
	}
	if child.AttrName != "" && (!isASCIINCName(child.AttrName) || child.AttrName == "xmlns") {
		return nil, newError(ErrInvalidArgument, fmt.Sprintf("cannot insert %s: %q is not an ASCII XML attribute name", child.describe(), child.AttrName))
	}
	_, el, err := locate(doc, parent)
	if err != nil {
		return nil, err
	}
	childPath := append(append(make(Path, 0, len(parent)+1), parent...), child)
	where := fmt.Sprintf("cannot insert %s into %s (line %d)", child.describe(), parent.describe(), el.line)
	if el.selfClosing() {
		return nil, newError(ErrNotText, fmt.Sprintf("%s: it is written as a self-closing element <%s/>", where, el.qname()))
	}
	for _, n := range el.content {
		if n.kind == nodeCDATA || n.kind == nodeText && firstNonSpace(doc[n.start:n.end]) >= 0 {
			return nil, newError(ErrNotText, fmt.Sprintf("%s: it holds text of its own, which an element would split", where))
		}
	}
	if child.Space != el.space {
		return nil, newError(ErrInvalidArgument, fmt.Sprintf("%s: a child written there is in namespace %q, not %q", where, el.space, child.Space))
	}
	r, err := scan(doc, childPath)
	if err != nil {
		return nil, err
	}
	if len(r.matches) > 0 {
		return nil, newError(ErrAmbiguous, fmt.Sprintf("%s: it already has one (line %d), and a second would make the path ambiguous", where, r.matches[0].line))
	}

	indent, nl, ok := siblingLayout(doc, el, first)
	if !ok {
		indent = lineIndent(doc, el.start)
		indent += indentUnit(doc, indent, len(parent)-1)
		nl = lineEnding(doc)
	}
	at := el.tagEnd
	if !first {
		at = el.endStart
		if lb := lineBreakBefore(doc, el.endStart, el.tagEnd); lb >= 0 {
			at = lb
		}
	}
	if at > 0 && doc[at-1] == '\r' {
		// A \n after this \r would make one \r\n that RemoveElement takes
		// whole; \r\n keeps the inserted bytes exactly removable.
		nl = "\r\n"
	}

	var ins strings.Builder
	name := qualified(el.tag.prefix, child.Local)
	ins.WriteString(nl + indent + "<" + name)
	if child.AttrName != "" {
		ins.WriteString(" " + child.AttrName + `="` + EscapeAttr(child.AttrValue, '"') + `"`)
	}
	ins.WriteString(">" + EscapeText(text) + "</" + name + ">")
	out := make([]byte, 0, len(doc)+ins.Len())
	out = append(out, doc[:at]...)
	out = append(out, ins.String()...)
	out = append(out, doc[at:]...)

	// Never hand back a document that does not say what was asked, or that
	// the inverse operation would not restore.
	v, err := FindText(out, childPath)
	if err != nil || v.Text != representable(text) {
		return nil, newError(ErrMalformed, fmt.Sprintf("%s: internal check failed: the new element does not read back (%v)", where, err))
	}
	back, err := RemoveElement(out, childPath)
	if err != nil || !bytes.Equal(back, doc) {
		return nil, newError(ErrMalformed, fmt.Sprintf("%s: internal check failed: the insertion is not exactly reversible (%v)", where, err))
	}
	return out, nil
}

// siblingLayout returns the indentation and line ending of the sibling
// element nearest to the insertion point that starts a line of its own.
func siblingLayout(doc []byte, el *element, first bool) (indent, nl string, ok bool) {
	n := len(el.content)
	for k := 0; k < n; k++ {
		i := k
		if !first {
			i = n - 1 - k
		}
		c := el.content[i]
		if c.kind != nodeElement {
			continue
		}
		lb := lineBreakBefore(doc, c.start, el.tagEnd)
		if lb < 0 {
			continue
		}
		nl = "\n"
		if doc[lb] == '\r' {
			nl = "\r\n"
		}
		return string(doc[lineContentStart(doc, lb):c.start]), nl, true
	}
	return "", "", false
}
