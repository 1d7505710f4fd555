package fileformat

// Kind is the class of a refusal that a diagnostic can advise on, the same
// for every format. Each editor has its own, finer error kinds; they match
// these with errors.Is (xmledit.ErrNotText is ErrNotValue, tomledit's
// duplicate key is ErrMalformed, ...), so a caller needs no format package
// to tell a file that must be corrected by hand from a bug.
type Kind int

const (
	// ErrMalformed: the document is not valid in its format (a syntax
	// error, a duplicate key or table, ...). Nothing is edited in it.
	ErrMalformed Kind = iota + 1
	// ErrNotFound: the document has no such value, and it cannot be added.
	ErrNotFound
	// ErrAmbiguous: more than one place matches, and an edit would have to
	// guess which one is meant.
	ErrAmbiguous
	// ErrNotValue: what was found is not one plain value that can be
	// replaced as a whole (an element with children, a table).
	ErrNotValue
	// ErrBadValue: the value is there but not of the form the setting
	// needs (not a whole number, not a URL with a port).
	ErrBadValue
	// ErrEncoding: the document is in a character encoding the editor does
	// not edit.
	ErrEncoding
	// ErrInvalidArgument: the caller's request itself is wrong; a bug in
	// the caller, not a problem of the file.
	ErrInvalidArgument
)

var kindText = map[Kind]string{
	ErrMalformed:       "malformed document",
	ErrNotFound:        "value not found",
	ErrAmbiguous:       "ambiguous location",
	ErrNotValue:        "not a plain value",
	ErrBadValue:        "value of the wrong form",
	ErrEncoding:        "unsupported encoding",
	ErrInvalidArgument: "invalid argument",
}

// Error returns a short generic description of the kind; the editors'
// errors that match it carry the specific message.
func (k Kind) Error() string {
	if s, ok := kindText[k]; ok {
		return "fileformat: " + s
	}
	return "fileformat: unknown error kind"
}
