package fileformat

// Value is one value located in a document: doc[Start:End] == Raw. It is
// only meaningful together with the exact bytes it was found in; Replace
// checks that it still fits them.
type Value struct {
	// Start and End delimit the raw value in the document, in bytes.
	Start, End int
	// Raw is the value exactly as it is written there: markup, quotes and
	// escapes included.
	Raw string
}
