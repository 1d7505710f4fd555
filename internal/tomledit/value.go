package tomledit

import "github.com/portoffset/terraform-provider-apim/internal/fileformat"

// Type is the TOML type of a value as it is written.
type Type int

const (
	Integer Type = iota + 1
	Float
	Bool
	String
	OffsetDateTime
	LocalDateTime
	LocalDate
	LocalTime
	Array
	InlineTable
)

var typeText = map[Type]string{
	Integer:        "an integer",
	Float:          "a float",
	Bool:           "a boolean",
	String:         "a string",
	OffsetDateTime: "a date-time",
	LocalDateTime:  "a local date-time",
	LocalDate:      "a local date",
	LocalTime:      "a local time",
	Array:          "an array",
	InlineTable:    "an inline table",
}

// String names the type with its article, for messages ("an integer").
func (t Type) String() string { return typeText[t] }

// Value is one key's value as it is written in a document.
type Value struct {
	// Value is the value's span and raw bytes: a string with its quotes,
	// an array or inline table from its opening to its closing bracket.
	fileformat.Value
	// Type is the value's TOML type.
	Type Type
	// Quote is, for a String, its delimiter as written: `"`, `'`, `"""` or
	// `'''`. An edit writes the new string with the same one.
	Quote string
	// Text is, for a String, its content with escapes resolved; for any
	// other type, Raw.
	Text string
	// Entry is the index of the array of tables entry (or array element)
	// that holds the key, 0 when it is in none.
	Entry int
	// Line is the 1-based line on which the key is written, for messages.
	Line int

	key string // the key as messages name it
}
