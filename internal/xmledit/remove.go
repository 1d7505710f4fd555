package xmledit

import "fmt"

// RemoveElement returns a copy of doc without the single element p matches
// and without the line break and indentation right before it (when the
// element starts its line): exactly what InsertChild adds, so that
// RemoveElement undoes InsertChild byte for byte. Anything after the element
// on its line stays. The root element cannot be removed.
func RemoveElement(doc []byte, p Path) ([]byte, error) {
	if len(p) == 1 {
		return nil, newError(ErrInvalidArgument, fmt.Sprintf("cannot remove %s: it is the root element", p.describe()))
	}
	_, el, err := locate(doc, p)
	if err != nil {
		return nil, err
	}
	from := el.start
	if lb := lineBreakBefore(doc, el.start, 0); lb >= 0 {
		from = lb
	}
	out := make([]byte, 0, len(doc)-(el.end-from))
	out = append(out, doc[:from]...)
	out = append(out, doc[el.end:]...)
	// Joining the text around the element can, rarely, make markup such as
	// "]]>"; never return a document an XML parser would refuse.
	if _, err := scan(out, nil); err != nil {
		return nil, newError(ErrMalformed, fmt.Sprintf("cannot remove %s (line %d): the document would not be well-formed XML after it (%v)", p.describe(), el.line, err))
	}
	return out, nil
}
