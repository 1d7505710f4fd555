package xmledit

import "github.com/portoffset/terraform-provider-apim/internal/fileformat"

// Kind classifies an *Error. A Kind is itself an error, so that callers can
// test an error with errors.Is(err, xmledit.ErrNotFound) without a type
// assertion, while the *Error carries the message for the user. Every Kind
// also matches the format-independent kind of package fileformat it is an
// instance of (ErrNotText is fileformat.ErrNotValue).
type Kind int

const (
	// ErrMalformed: the document is not well-formed (namespace-aware) XML
	// 1.0, anywhere in it, not only near the element looked for. Nothing is
	// edited in a document that a real XML parser would refuse.
	ErrMalformed Kind = iota + 1
	// ErrNotFound: no element matches the path, or the element has no such
	// attribute.
	ErrNotFound
	// ErrAmbiguous: several elements match the path, so an edit would have
	// to guess which one is meant (or, for InsertChild, a matching child
	// exists already and a second one would make the path ambiguous).
	ErrAmbiguous
	// ErrNotText: the element's content cannot be edited as one plain value:
	// it contains child elements, comments or processing instructions, or it
	// is self-closing (<Offset/> has no content span to splice into), or, for
	// InsertChild, the parent holds text of its own.
	ErrNotText
	// ErrEncoding: the document is in an encoding this package does not edit
	// (anything but UTF-8, ISO-8859-1, US-ASCII and windows-1252).
	ErrEncoding
	// ErrInvalidArgument: the caller's request itself is wrong: an empty
	// path, a name that is not an XML name, a child in a namespace it would
	// not get where it is inserted, removing the root element.
	ErrInvalidArgument
)

var kindText = map[Kind]string{
	ErrMalformed:       "malformed XML",
	ErrNotFound:        "element or attribute not found",
	ErrAmbiguous:       "ambiguous element path",
	ErrNotText:         "element is not a plain text value",
	ErrEncoding:        "unsupported encoding",
	ErrInvalidArgument: "invalid argument",
}

// shared maps each Kind to the format-independent kind it is an instance of.
var shared = map[Kind]fileformat.Kind{
	ErrMalformed:       fileformat.ErrMalformed,
	ErrNotFound:        fileformat.ErrNotFound,
	ErrAmbiguous:       fileformat.ErrAmbiguous,
	ErrNotText:         fileformat.ErrNotValue,
	ErrEncoding:        fileformat.ErrEncoding,
	ErrInvalidArgument: fileformat.ErrInvalidArgument,
}

// Is makes errors.Is(err, fileformat.ErrX) hold for the xmledit kinds that
// are an ErrX.
func (k Kind) Is(target error) bool {
	s, ok := shared[k]
	return ok && target == error(s)
}

// Error returns a short generic description of the kind; the *Error that
// carries a Kind has the specific message.
func (k Kind) Error() string {
	if s, ok := kindText[k]; ok {
		return "xmledit: " + s
	}
	return "xmledit: unknown error kind"
}

// Error is the only error type the package returns. Msg is written for the
// person who owns the file: it names the element path, or the line and
// column where the document is malformed.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Unwrap exposes the Kind so that errors.Is(err, ErrNotFound) and
// errors.As(err, &kind) work through any wrapping the caller adds.
func (e *Error) Unwrap() error { return e.Kind }

func newError(k Kind, msg string) *Error { return &Error{Kind: k, Msg: msg} }
