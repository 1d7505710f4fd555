package propedit

import "github.com/portoffset/terraform-provider-apim/internal/fileformat"

// Kind classifies an *Error. A Kind is itself an error, so that callers can
// test an error with errors.Is(err, propedit.ErrNotFound) without a type
// assertion, and every Kind also matches the format-independent kind of
// package fileformat that it is an instance of.
type Kind int

const (
	// ErrMalformed: Java would refuse to load the document (a \u escape
	// not followed by four hexadecimal digits), or Java versions read it
	// differently. The message has the line.
	ErrMalformed Kind = iota + 1
	// ErrNotFound: no line sets the key.
	ErrNotFound
	// ErrAmbiguous: more than one line sets the key.
	ErrAmbiguous
	// ErrNotLiteral: the part of the value to edit is not written as its
	// own characters, one after the other: it holds an escape, a byte
	// outside ASCII, or a line continuation.
	ErrNotLiteral
	// ErrInvalidArgument: the caller's request itself is wrong: a part
	// outside the value, text that would need escaping.
	ErrInvalidArgument
)

var kindText = map[Kind]string{
	ErrMalformed:       "malformed properties",
	ErrNotFound:        "key not found",
	ErrAmbiguous:       "key set more than once",
	ErrNotLiteral:      "value not written literally",
	ErrInvalidArgument: "invalid argument",
}

// shared maps each Kind to the format-independent kind it is an instance of.
var shared = map[Kind]fileformat.Kind{
	ErrMalformed:       fileformat.ErrMalformed,
	ErrNotFound:        fileformat.ErrNotFound,
	ErrAmbiguous:       fileformat.ErrAmbiguous,
	ErrNotLiteral:      fileformat.ErrNotValue,
	ErrInvalidArgument: fileformat.ErrInvalidArgument,
}

// Error returns a short generic description of the kind; the *Error that
// carries a Kind has the specific message.
func (k Kind) Error() string {
	if s, ok := kindText[k]; ok {
		return "propedit: " + s
	}
	return "propedit: unknown error kind"
}

// Is makes errors.Is(err, fileformat.ErrX) hold for the propedit kinds that
// are an ErrX.
func (k Kind) Is(target error) bool {
	s, ok := shared[k]
	return ok && target == error(s)
}

// Error is the only error type the package returns. Msg is written for the
// person who owns the file: it names the key and the line, and never quotes
// a value.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Unwrap exposes the Kind so that errors.Is(err, ErrNotFound) and
// errors.As(err, &kind) work through any wrapping the caller adds.
func (e *Error) Unwrap() error { return e.Kind }

func newError(k Kind, msg string) *Error { return &Error{Kind: k, Msg: msg} }
