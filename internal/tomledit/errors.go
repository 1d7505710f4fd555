package tomledit

import "github.com/portoffset/terraform-provider-apim/internal/fileformat"

// Kind classifies an *Error. A Kind is itself an error, so that callers can
// test an error with errors.Is(err, tomledit.ErrNotFound) without a type
// assertion, and every Kind also matches the format-independent kind of
// package fileformat that it is an instance of, so that
// errors.Is(err, fileformat.ErrMalformed) holds for ErrDuplicate too.
type Kind int

const (
	// ErrMalformed: the document is not valid TOML (a syntax error,
	// anywhere in it, or a value the TOML grammar refuses, such as an
	// integer with a leading zero). The message has the line and column.
	ErrMalformed Kind = iota + 1
	// ErrDuplicate: a key or table is defined twice, or once as a value and
	// once as a table (TOML refuses both). The message has the line and
	// column of the second definition.
	ErrDuplicate
	// ErrNotFound: no key matches, and (for an edit) it cannot be added
	// where it is missing: its table is an array of tables, an inline table
	// or the top level.
	ErrNotFound
	// ErrAmbiguous: the key lies in nested arrays of tables, which one
	// entry index cannot address, or a key to be taken out shares its line
	// with other content, so that removing it would mean guessing.
	ErrAmbiguous
	// ErrNotValue: the key names a table ([server], or a table made by
	// dotted keys), or a key on the way to it holds a value that is not a
	// table, so there is no single value to read or replace.
	ErrNotValue
	// ErrBadValue: the key holds a value of the wrong form for the request:
	// not a whole number (for a number), not a URL with a literal port (for
	// a URL), or too large for the caller's limit.
	ErrBadValue
	// ErrInvalidArgument: the caller's request itself is wrong: a negative
	// number to write, a port out of range, a name that cannot be written as
	// a bare TOML key.
	ErrInvalidArgument
)

var kindText = map[Kind]string{
	ErrMalformed:       "malformed TOML",
	ErrDuplicate:       "duplicate TOML key or table",
	ErrNotFound:        "key not found",
	ErrAmbiguous:       "ambiguous key",
	ErrNotValue:        "key is a table, not a value",
	ErrBadValue:        "value of the wrong form",
	ErrInvalidArgument: "invalid argument",
}

// shared maps each Kind to the format-independent kind it is an instance of.
var shared = map[Kind]fileformat.Kind{
	ErrMalformed:       fileformat.ErrMalformed,
	ErrDuplicate:       fileformat.ErrMalformed,
	ErrNotFound:        fileformat.ErrNotFound,
	ErrAmbiguous:       fileformat.ErrAmbiguous,
	ErrNotValue:        fileformat.ErrNotValue,
	ErrBadValue:        fileformat.ErrBadValue,
	ErrInvalidArgument: fileformat.ErrInvalidArgument,
}

// Error returns a short generic description of the kind; the *Error that
// carries a Kind has the specific message.
func (k Kind) Error() string {
	if s, ok := kindText[k]; ok {
		return "tomledit: " + s
	}
	return "tomledit: unknown error kind"
}

// Is makes errors.Is(err, fileformat.ErrX) hold for the tomledit kinds that
// are an ErrX.
func (k Kind) Is(target error) bool {
	s, ok := shared[k]
	return ok && target == error(s)
}

// Error is the only error type the package returns. Msg is written for the
// person who owns the file: it names the key, and the line and column where
// the document is wrong.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Unwrap exposes the Kind so that errors.Is(err, ErrNotFound) and
// errors.As(err, &kind) work through any wrapping the caller adds.
func (e *Error) Unwrap() error { return e.Kind }

func newError(k Kind, msg string) *Error { return &Error{Kind: k, Msg: msg} }
