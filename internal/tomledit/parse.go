package tomledit

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// document is a parsed TOML document: what a full decoder makes of it, and
// where each key-value, table header and full-line comment is written.
type document struct {
	src  []byte         // the whole document, byte order mark included
	bom  int            // the length of a leading UTF-8 byte order mark, 0 or 3
	data map[string]any // the document as go-toml's Unmarshal decodes it

	entries  []entry
	headers  []header
	comments []comment
}

// parse checks that src is valid TOML, with go-toml's full decoder (which,
// unlike the syntax-level parser, refuses duplicate keys and tables and
// out-of-range values), and records where everything is written.
func parse(src []byte) (*document, error) {
	d := &document{src: src}
	if bytes.HasPrefix(src, utf8BOM) {
		d.bom = len(utf8BOM)
	}
	body := src[d.bom:]
	if err := toml.Unmarshal(body, &d.data); err != nil {
		return nil, decodeError(src, d.bom, err)
	}
	if err := d.walk(); err != nil {
		return nil, err
	}
	return d, nil
}

// decodeError turns go-toml's error into an ErrMalformed or ErrDuplicate
// with the line and column an editor shows.
func decodeError(src []byte, bom int, err error) *Error {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return newError(ErrMalformed, "not valid TOML: "+err.Error())
	}
	row, byteCol := de.Position()
	line, col := position(src, bom+offsetOf(src[bom:], row, byteCol))
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	if isRedefinition(msg) {
		return newError(ErrDuplicate, fmt.Sprintf("TOML key or table defined twice, at line %d, column %d: %s", line, col, msg))
	}
	return newError(ErrMalformed, fmt.Sprintf("TOML syntax error at line %d, column %d: %s", line, col, msg))
}

// isRedefinition tells go-toml's messages for a key or table defined twice
// ("table server already exists", "key a is already defined", "key b should
// be a table, not a value") from those for bad syntax or values. go-toml
// gives them no distinct type; the tests pin the messages of the version in
// go.mod.
func isRedefinition(msg string) bool {
	return strings.Contains(msg, " already ") || strings.Contains(msg, " should be a")
}
