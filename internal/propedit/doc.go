// Package propedit finds one key of a Java properties document (WSO2's
// repository/conf/jndi.properties) and edits exactly the bytes of a part of
// its value, leaving every other byte of the document as it was.
//
// It never re-serializes a document: comments, blank lines, the separator
// each line uses (key=value, key: value, key value), whitespace, escapes,
// line continuations and line endings (LF, CRLF or CR) all survive an edit
// unchanged. It does no I/O.
//
// # Reading
//
// A document is read as java.util.Properties.load(InputStream) reads it:
// as ISO-8859-1; a line whose first non-blank character is '#' or '!' is a
// comment; a line that ends with an odd number of backslashes continues on
// the next, whose leading blanks are dropped; the key ends at the first
// unescaped '=', ':' or blank; \t, \n, \r, \f and \uXXXX are escapes, and a
// backslash before any other character stands for that character. A key
// set twice is, for the runtime, its last value; here it is ErrAmbiguous,
// since an edit of either would be a guess. Every call reads the whole
// document and refuses it with ErrMalformed, naming the line, if Java
// would refuse to load it (a malformed \uXXXX escape) or if Java versions
// read it differently (a line holding only a continuation, continued onto
// one that starts with '#' or '!'). The reading is compared with the JDK's
// own in the tests.
//
// A Value carries the value's byte span and raw bytes (fileformat.Value),
// its decoded text, and where each byte of that text is written, so that a
// part of the text can be located in the document (Span) or on its lines
// (Lines).
//
// # Editing
//
// ReplaceText changes a part of a value that is written literally, such as
// the digits of a port inside a URL, and Restore puts a value's original
// raw bytes back. Every edit parses its own result again: the key must read
// back as intended and every other key as before, or the edit is not
// returned (ErrMalformed, "internal check failed"). Errors are *Error, whose
// Kind also matches the format-independent kinds of package fileformat.
// Their messages name keys and lines, never a value: the values of
// jndi.properties carry the broker's user name and password.
package propedit
