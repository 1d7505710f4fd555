package tomledit

import "bytes"

// isBlank reports whether c is TOML whitespace within a line.
func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// lineStart returns where the line holding off starts (after a byte order
// mark on the first line).
func (d *document) lineStart(off int) int {
	return max(bytes.LastIndexByte(d.src[:off], '\n')+1, d.bom)
}

// lineEnd returns where the line holding off ends, before its line ending
// (off may be in that line ending).
func (d *document) lineEnd(off int) int {
	i := bytes.IndexByte(d.src[off:], '\n')
	if i < 0 {
		return len(d.src)
	}
	end := off + i
	if end > 0 && d.src[end-1] == '\r' {
		end--
	}
	return end
}

// eolAt returns the line ending that starts at end, the end of a line: "\n",
// "\r\n", or "" for the last line of a document without a final newline.
func (d *document) eolAt(end int) string {
	if bytes.HasPrefix(d.src[end:], []byte("\r\n")) {
		return "\r\n"
	}
	if bytes.HasPrefix(d.src[end:], []byte("\n")) {
		return "\n"
	}
	return ""
}

// eol is the document's line ending: that of its first line, "\n" for a
// document of one line.
func (d *document) eol() string {
	if s := d.eolAt(d.lineEnd(d.bom)); s != "" {
		return s
	}
	return "\n"
}

// isBlankLine reports whether the line that starts at start holds nothing
// but blanks.
func (d *document) isBlankLine(start int) bool {
	return len(bytes.Trim(d.src[start:d.lineEnd(start)], " \t")) == 0
}

// blankBefore reports whether the line just before the one that starts at
// start is a blank line.
func (d *document) blankBefore(start int) bool {
	return start > d.bom && d.isBlankLine(d.lineStart(start-1))
}

// aloneOnLine reports whether nothing but blanks comes before off on its
// line.
func (d *document) aloneOnLine(off int) bool {
	return len(bytes.Trim(d.src[d.lineStart(off):off], " \t")) == 0
}
