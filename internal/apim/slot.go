package apim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

// Original is a managed value as it was before the provider first changed
// it, kept so that it can be put back byte for byte.
type Original struct {
	// Raw is the value's bytes as they stood in the file.
	Raw string `json:"raw,omitempty"`
	// Absent means the element did not exist and was added by the provider.
	Absent bool `json:"absent,omitempty"`
}

// textSlot is an element whose text is a managed value; when insertable, a
// missing element is added under parent (first or last) and means
// absentMeaning to the runtime.
type textSlot struct {
	parent      xmledit.Path
	child       xmledit.Step
	insertFirst bool
	insertable  bool
}

func (s textSlot) path() xmledit.Path {
	return append(s.parent[:len(s.parent):len(s.parent)], s.child)
}

// get returns the element's value, or present=false when an insertable
// element is missing (its parent must exist).
func (s textSlot) get(doc []byte) (v xmledit.Value, present bool, err error) {
	v, err = xmledit.FindText(doc, s.path())
	if err == nil {
		return v, true, nil
	}
	if !s.insertable || !errors.Is(err, xmledit.ErrNotFound) {
		return v, false, err
	}
	// The element is missing; it may be added only where its parent exists.
	if _, perr := xmledit.FindText(doc, s.parent); perr != nil && !errors.Is(perr, xmledit.ErrNotText) {
		return v, false, perr
	}
	return v, false, nil
}

// set writes text into the element, adding it when missing.
func (s textSlot) set(doc []byte, text string) ([]byte, error) {
	v, present, err := s.get(doc)
	if err != nil {
		return nil, err
	}
	if !present {
		return xmledit.InsertChild(doc, s.parent, s.child, text, s.insertFirst)
	}
	if strings.TrimSpace(v.Text) == text {
		return doc, nil
	}
	return xmledit.Replace(doc, v, xmledit.EscapeText(text)), nil
}

// original records the element as it is now.
func (s textSlot) original(doc []byte) (Original, error) {
	v, present, err := s.get(doc)
	if err != nil {
		return Original{}, err
	}
	if !present {
		return Original{Absent: true}, nil
	}
	return Original{Raw: v.Raw}, nil
}

// restore puts the element back as orig describes it.
func (s textSlot) restore(doc []byte, orig Original) ([]byte, error) {
	v, present, err := s.get(doc)
	if err != nil {
		return nil, err
	}
	switch {
	case orig.Absent && present:
		return xmledit.RemoveElement(doc, s.path())
	case orig.Absent:
		return doc, nil
	case !present:
		// Put the raw bytes back as they were, not an escaped copy of them.
		out, err := xmledit.InsertChild(doc, s.parent, s.child, "", s.insertFirst)
		if err != nil {
			return nil, err
		}
		empty, err := xmledit.FindText(out, s.path())
		if err != nil {
			return nil, err
		}
		return xmledit.Replace(out, empty, orig.Raw), nil
	case v.Raw == orig.Raw:
		return doc, nil
	default:
		return xmledit.Replace(doc, v, orig.Raw), nil
	}
}

// ValueError is a managed value that the file holds in a form the runtime
// could not use either: not a number, out of range, not a boolean.
type ValueError struct{ msg string }

func (e *ValueError) Error() string { return e.msg }

// parseWhole reads a whole, non-negative number no larger than highest from
// an element's text, ignoring surrounding whitespace as the runtime does.
func parseWhole(what, text string, highest int64) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
	if err != nil || n < 0 || n > highest {
		return 0, &ValueError{fmt.Sprintf("%s holds %q, not a whole number from 0 to %d", what, text, highest)}
	}
	return n, nil
}
