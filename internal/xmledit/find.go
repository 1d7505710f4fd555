package xmledit

import (
	"fmt"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

// FindText returns the character content of the single element p matches.
//
// The element must hold a plain value: text, entity and character
// references and CDATA sections only. Child elements, comments and
// processing instructions make it ErrNotText, because splicing a new value
// over them would delete them. A self-closing element (<Offset/>) is also
// ErrNotText: it has no span between a start and an end tag into which a
// value could be spliced, and turning it into <Offset>..</Offset> would
// change bytes outside the value. <Offset></Offset> is fine: its Value has
// Start == End, just after the start tag.
//
// The whole document is checked, so a malformed document is ErrMalformed
// even where the element itself looks fine.
func FindText(doc []byte, p Path) (Value, error) {
	r, el, err := locate(doc, p)
	if err != nil {
		return Value{}, err
	}
	if el.selfClosing() {
		return Value{}, newError(ErrNotText, fmt.Sprintf("%s (line %d) is written as an empty, self-closing element <%s/>: it has no content to edit; write it as <%s></%s> first",
			p.describe(), el.line, el.qname(), el.qname(), el.qname()))
	}
	var text []byte
	for _, n := range el.content {
		raw := doc[n.start:n.end]
		switch n.kind {
		case nodeText:
			text = appendCharData(text, raw, r.cs, false)
		case nodeCDATA:
			text = appendCDATA(text, raw, r.cs)
		default:
			return Value{}, newError(ErrNotText, fmt.Sprintf("%s (line %d) is not a plain value: it contains %s", p.describe(), el.line, n.describe()))
		}
	}
	return Value{Value: fileformat.Value{Start: el.tagEnd, End: el.endStart, Raw: string(doc[el.tagEnd:el.endStart])}, Text: string(text)}, nil
}

// FindAttr returns the value of the attribute name, without a namespace
// prefix, of the single element p matches. The Value spans the characters
// between the quotes.
func FindAttr(doc []byte, p Path, name string) (Value, error) {
	if !isNCName(name) || name == "xmlns" {
		return Value{}, newError(ErrInvalidArgument, fmt.Sprintf("%q is not an attribute name (without a namespace prefix)", name))
	}
	r, el, err := locate(doc, p)
	if err != nil {
		return Value{}, err
	}
	a, ok := el.tag.find(name)
	if !ok {
		return Value{}, newError(ErrNotFound, fmt.Sprintf("%s (line %d) has no attribute %s", p.describe(), el.line, name))
	}
	raw := doc[a.valStart:a.valEnd]
	return Value{Value: fileformat.Value{Start: a.valStart, End: a.valEnd, Raw: string(raw)}, Text: string(appendCharData(nil, raw, r.cs, true))}, nil
}

// describe names a piece of content for a message.
func (n node) describe() string {
	switch n.kind {
	case nodeElement:
		return fmt.Sprintf("the child element <%s> (line %d)", n.name, n.line)
	case nodeComment:
		return fmt.Sprintf("a comment (line %d)", n.line)
	case nodePI:
		return fmt.Sprintf("a processing instruction (line %d)", n.line)
	}
	return "text"
}
