// Package xmledit finds one element or attribute of an XML document by a
// namespace-aware element path and splices a new value into exactly the bytes
// of that value, leaving every other byte of the document as it was.
//
// It never re-serializes a document: the declaration, its encoding, comments,
// CDATA, whitespace, line endings, attribute order and quoting, and bytes
// outside ASCII all survive an edit unchanged. It does no I/O.
package xmledit
