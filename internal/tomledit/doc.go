// Package tomledit finds one key of a TOML document (WSO2's
// repository/conf/deployment.toml) by its table path and name, and edits
// exactly the bytes of its value, leaving every other byte of the document
// as it was.
//
// It never re-serializes a document: comments, key order, blank lines,
// whitespace, quoting, line endings (LF or CRLF), a missing final newline
// and a UTF-8 byte order mark all survive an edit unchanged. It does no I/O.
//
// # Finding
//
// Keys are found by their place in the decoded document, not by text
// search: a Key {server, offset} is offset under a [server] header, the
// dotted key server.offset at the top level, or offset inside the inline
// table server = { ... }. A key in an array of tables
// ([[apim.gateway.environment]]) is found in each entry; Key.Entry picks
// one. A commented-out #offset=0 is never read as a value. Every call first
// decodes the whole document with go-toml's full decoder and refuses it
// unless that succeeds: a syntax error is ErrMalformed, a key or table
// defined twice ([server] twice) ErrDuplicate, each with line and column.
// A Value carries the value's byte span, its raw bytes, its type and, for a
// string, its quote.
//
// # Editing
//
// SetNumber writes a whole number, keeping the value's type and quoting
// (offset = "2" stays a quoted string); SetURLPort changes only the port
// digits of a URL (ws://localhost:9099). A missing number is added where
// WSO2's own documentation has the operator put it: the shipped #offset=0
// line is uncommented in place, else the key goes right after its table's
// header, else the table is created. OriginalOf records how a key stood
// before, in bytes, and Restore puts those bytes back: an uncommented line
// comes back commented, exactly as it was.
//
// # Safety
//
// Every edit parses its own result again and compares it, decoded, with
// the input: the key must read back as written, with its type and quote,
// and every other value must decode as before. A result that fails is not
// returned (ErrMalformed, "internal check failed"). Errors are *Error, whose
// Kind also matches the format-independent kinds of package fileformat.
//
// The parser underneath is go-toml/v2's unstable package, the only one that
// gives the byte ranges of keys and values; its API may change between
// versions, so it is used here and nowhere else, at the version go.mod pins.
package tomledit
