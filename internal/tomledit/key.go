package tomledit

import (
	"fmt"
	"strconv"
	"strings"
)

// Key names one setting by its place in the decoded document, however the
// file spells it: offset under a [server] header, server.offset = 1 at the
// top level and server = { offset = 1 } are all the Key {server, offset}.
type Key struct {
	// Table is the path of the table that holds the key, one element per
	// part, unquoted: {"transport", "https", "properties"}. Empty for a key
	// at the top level.
	Table []string
	// Name is the key's own name within that table.
	Name string
	// Entry selects, when Table is (or lies in) an array of tables such as
	// [[apim.gateway.environment]], the entry that holds the key, counting
	// from 0 in document order. It must be 0 for a key in a plain table.
	Entry int
}

// NewKey returns the Key of name in the table whose dotted name is table
// ("" for the top level). The table's parts are split at dots, so they
// cannot contain one; build a Key literal for parts that do.
func NewKey(table, name string) Key {
	k := Key{Name: name}
	if table != "" {
		k.Table = strings.Split(table, ".")
	}
	return k
}

// path is the key's full path in the decoded document.
func (k Key) path() []string {
	return append(k.Table[:len(k.Table):len(k.Table)], k.Name)
}

// String names the key as the file's owner would look for it: the table
// header and the key, "[transport.https.properties] port".
func (k Key) String() string {
	if len(k.Table) == 0 {
		return writeKey(k.Name) + " (at the top level)"
	}
	return "[" + tableName(k.Table) + "] " + writeKey(k.Name)
}

// inEntry names the key as it is found in entry i of an array of tables.
func (k Key) inEntry(i int) string {
	return fmt.Sprintf("%s in entry %d of [[%s]]", writeKey(k.Name), i, tableName(k.Table))
}

// tableName writes a table path the way a header spells it.
func tableName(parts []string) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = writeKey(p)
	}
	return strings.Join(s, ".")
}

// writeKey writes one key part: bare when TOML allows it, quoted otherwise.
func writeKey(s string) string {
	if isBareKey(s) {
		return s
	}
	return strconv.Quote(s)
}

// isBareKey reports whether s can be written as a bare TOML key: one or more
// ASCII letters, digits, '-' and '_'.
func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
