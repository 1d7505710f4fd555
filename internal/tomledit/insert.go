package tomledit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// insertion is how a missing key is added: the bytes old at offset at (a
// commented-out line, or nothing) become before + the value + after. The
// three strings are all it takes to undo it (see Original).
type insertion struct {
	at     int
	old    string
	before string
	after  string
}

// plan decides where the missing key k goes, in this order:
//
//  1. a full-line comment in its table's region that is the key commented
//     out (#offset=0 or # offset = 0 under [server], as WSO2 ships it) is
//     uncommented in place, keeping its spacing: the only line that changes;
//  2. else it goes on a new line right after its table's header;
//  3. else, when dotted keys make the table (server.hostname = ... at the
//     top level, ws.enable = ... under [apim]), after the last of those, as
//     a dotted key spelled like it;
//  4. else the table is created: a top-level table ([server]) before the
//     first header, where it cannot capture the top-level keys, and a
//     sub-table at the end; separated by a blank line where the file
//     separates its tables so.
//
// A key in an array of tables, an inline table or at the top level is not
// added: there is no one place for it that does not change other tables.
func (d *document) plan(k Key) (insertion, error) {
	if len(k.Table) == 0 {
		return insertion{}, newError(ErrNotFound, fmt.Sprintf("the document has no %s, and a key is added only inside a table", k))
	}
	if !isBareKey(k.Name) || slices.ContainsFunc(k.Table, func(s string) bool { return !isBareKey(s) }) {
		return insertion{}, newError(ErrInvalidArgument, fmt.Sprintf("cannot add %s: only bare keys (letters, digits, '-' and '_') are written", k))
	}
	if k.Entry != 0 {
		return insertion{}, newError(ErrNotFound, fmt.Sprintf("the document has no %s", k.inEntry(k.Entry)))
	}
	if err := d.checkTablePath(k); err != nil {
		return insertion{}, err
	}
	for i, h := range d.headers {
		if slices.Equal(h.names, k.Table) {
			if in, ok := d.uncomment(k, i); ok {
				return in, nil
			}
			return d.afterHeader(k, i), nil
		}
	}
	if in, ok := d.afterDotted(k); ok {
		return in, nil
	}
	return d.newTable(k), nil
}

// checkTablePath refuses a key whose table, or a table on the way to it,
// is not one a key can be added to.
func (d *document) checkTablePath(k Key) error {
	for n := 1; n <= len(k.Table); n++ {
		p := k.Table[:n]
		for _, h := range d.headers {
			if h.array && slices.Equal(h.names, p) {
				return newError(ErrNotFound, fmt.Sprintf("the document has no %s, and [[%s]] (line %d) is an array of tables: the key is not added to its entries", k, tableName(p), lineOf(d.src, h.start)))
			}
		}
		for i := range d.entries {
			en := &d.entries[i]
			if !slices.Equal(en.names, p) {
				continue
			}
			line := lineOf(d.src, en.kvStart)
			switch en.kind {
			case unstable.InlineTable:
				return newError(ErrNotFound, fmt.Sprintf("the document has no %s, and %s is the inline table at line %d, which is not extended: add the key to it by hand", k, tableName(p), line))
			case unstable.Array:
				return newError(ErrNotFound, fmt.Sprintf("the document has no %s, and %s is the array at line %d: the key is not added to its elements", k, tableName(p), line))
			default:
				return newError(ErrNotValue, fmt.Sprintf("cannot add %s: %s is %s (line %d), not a table", k, tableName(p), typeOf[en.kind], line))
			}
		}
	}
	return nil
}

// uncomment returns the insertion that uncomments the one full-line comment
// of header h's region that is k commented out. The region ends at the next
// header, or at a commented-out header ("#[apim.throttling]"), under which
// a commented key belongs to that other table. Several candidates are not
// guessed between.
func (d *document) uncomment(k Key, h int) (insertion, bool) {
	var found []insertion
	for _, c := range d.comments {
		if c.header != h {
			continue
		}
		body := strings.TrimLeft(string(d.src[c.start+1:c.end]), " \t")
		if strings.HasPrefix(body, "[") {
			break
		}
		if before, after, ok := commentedKey(body, k.Name); ok {
			found = append(found, insertion{at: c.start, old: string(d.src[c.start:c.end]), before: before, after: after})
		}
	}
	if len(found) != 1 {
		return insertion{}, false
	}
	return found[0], true
}

// commentedKey reports whether body, a comment without its '#', is a
// key-value line for name, and splits it around the value.
func commentedKey(body, name string) (before, after string, ok bool) {
	p := unstable.Parser{}
	p.Reset([]byte(body))
	if !p.NextExpression() {
		return "", "", false
	}
	kv := p.Expression()
	if kv.Kind != unstable.KeyValue {
		return "", "", false
	}
	it := kv.Key()
	it.Next()
	key := it.Node()
	if string(key.Data) != name || it.Next() {
		return "", "", false
	}
	valStart := skipSeparator([]byte(body), int(key.Raw.Offset+key.Raw.Length))
	valEnd := int(kv.Raw.Offset + kv.Raw.Length)
	if p.NextExpression() || p.Error() != nil {
		return "", "", false
	}
	return body[:valStart], body[valEnd:], true
}

// afterHeader returns the insertion of k on a new line right after header
// h's line, indented and spaced like the table's first key.
func (d *document) afterHeader(k Key, h int) insertion {
	end := d.headers[h].end
	eol := d.eolAt(end)
	indent, sep := d.keyStyle(h)
	if eol == "" { // the header is the last line, without a final newline
		return insertion{at: end, before: d.eol() + indent + k.Name + sep}
	}
	return insertion{at: end + len(eol), before: indent + k.Name + sep, after: eol}
}

// afterDotted returns the insertion of k after the last top-level
// key-value whose dotted key makes k's table, or the longest part of its
// path (server.hostname = ... at the top level, ws.enable = ... under
// [apim]), as a dotted key spelled like that one up to where they differ.
// A table that dotted keys make cannot be given a header.
func (d *document) afterDotted(k Key) (insertion, bool) {
	var best *entry
	bestShared := 0
	for i := range d.entries {
		en := &d.entries[i]
		base := len(en.names) - len(en.parts) // the parts its header gives
		shared := 0
		for shared < len(k.Table) && shared < len(en.names) && en.names[shared] == k.Table[shared] {
			shared++
		}
		// Its own key must make the shared tables, and go on past them.
		if en.nested || shared <= base || shared >= len(en.names) || shared < bestShared {
			continue
		}
		best, bestShared = en, shared
	}
	if best == nil {
		return insertion{}, false
	}
	base := len(best.names) - len(best.parts)
	key := string(d.src[d.lineStart(best.kvStart):best.parts[bestShared-base]]) +
		strings.Join(append(k.Table[bestShared:len(k.Table):len(k.Table)], k.Name), ".") +
		string(d.src[best.keyEnd:best.valStart])
	end := d.lineEnd(best.kvEnd)
	eol := d.eolAt(end)
	if eol == "" {
		return insertion{at: end, before: d.eol() + key}, true
	}
	return insertion{at: end + len(eol), before: key, after: eol}, true
}

// newTable returns the insertion of k's table, holding k, where no table
// of that name exists.
func (d *document) newTable(k Key) insertion {
	_, sep := d.keyStyle(-1)
	eol := d.eol()
	head := "[" + tableName(k.Table) + "]" + eol + k.Name + sep
	blank := d.blankLines()
	if len(k.Table) == 1 && len(d.headers) > 0 {
		in := insertion{at: d.blockStart(d.headers[0].start), before: head, after: eol}
		if blank {
			in.after += eol
		}
		return in
	}
	in := insertion{at: len(d.src), before: head}
	if len(d.src) == d.bom {
		in.after = eol // an empty document gets a final newline
		return in
	}
	last := d.lineStart(len(d.src))
	endsBlank := d.blankBefore(last)
	if last < len(d.src) { // the last line has no line ending: keep it so
		in.before = eol + in.before
		endsBlank = d.isBlankLine(last)
	} else {
		in.after = eol
	}
	if (blank || len(d.headers) == 0) && !endsBlank {
		in.before = eol + in.before
	}
	return in
}

// blockStart returns where the block of a header line that starts at off
// starts: at the full-line comments right above it, which describe it.
// Only real comments count, not a line of a multi-line string that starts
// with '#'.
func (d *document) blockStart(off int) int {
	start := d.lineStart(off)
	for i := len(d.comments) - 1; i >= 0; i-- {
		c := d.comments[i]
		if c.start >= start {
			continue
		}
		if start == d.bom || d.lineStart(c.start) != d.lineStart(start-1) {
			break // not the line right above
		}
		start = d.lineStart(c.start)
	}
	return start
}

// blankLines reports whether the document separates its tables by blank
// lines: whether any header's block has one right above it.
func (d *document) blankLines() bool {
	for _, h := range d.headers {
		if d.blankBefore(d.blockStart(h.start)) {
			return true
		}
	}
	return false
}

// keyStyle returns the indentation and the separator (" = ", "=", ...) of
// the first key-value under header h, else of the first one under any
// header; " = " and no indentation when there is none.
func (d *document) keyStyle(h int) (indent, sep string) {
	for _, anyHeader := range []bool{false, true} {
		for i := range d.entries {
			en := &d.entries[i]
			if en.nested || en.header < 0 || !anyHeader && en.header != h {
				continue
			}
			return string(d.src[d.lineStart(en.kvStart):en.kvStart]), string(d.src[en.keyEnd:en.valStart])
		}
	}
	return "", " = "
}
