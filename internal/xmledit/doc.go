// Package xmledit finds one element or attribute of an XML document by a
// namespace-aware element path and splices a new value into exactly the bytes
// of that value, leaving every other byte of the document as it was.
//
// It never re-serializes a document: the declaration, its encoding, comments,
// CDATA, whitespace, line endings, attribute order and quoting, and bytes
// outside ASCII all survive an edit unchanged. It does no I/O.
//
// # Finding
//
// Elements are found by structure, never by text search: encoding/xml's
// strict tokenizer reads the whole document, and only elements count, by
// namespace URI and local name along the whole path. An <Offset> inside a
// comment, CDATA section or processing instruction is never matched. Every
// call checks that the entire document is namespace-well-formed XML 1.0,
// including what encoding/xml lets through (a second root, text after the
// root, duplicate attributes, undeclared prefixes, stray end tags, ...), and
// refuses it with ErrMalformed otherwise, with line, column and reason.
//
// # Encodings
//
// UTF-8, ISO-8859-1, windows-1252 and US-ASCII documents are accepted (all
// ASCII-compatible byte for byte); anything else is ErrEncoding. Positions
// are byte offsets into the original document. A UTF-8 byte order mark is
// accepted and kept. Values written by EscapeText and EscapeAttr are pure
// ASCII (other characters become character references), so an edit cannot
// introduce bytes that mean something else in the file's encoding.
//
// # Empty elements
//
// <Offset></Offset> holds an empty value (Start == End) that can be
// replaced. A self-closing <Offset/> has no content span; FindText refuses
// it with ErrNotText rather than rewrite its tag.
//
// # Safety
//
// InsertChild and RemoveElement verify their own output before returning
// it (it parses, the value reads back, the edit is exactly reversible).
// Replace is a plain splice that cannot fail; callers that must be sure
// should look the value up again in its output.
package xmledit
