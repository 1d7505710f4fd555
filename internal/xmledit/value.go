package xmledit

// Value is one located value in a document: the character content of an
// element, or the value of an attribute. It is only meaningful together with
// the exact bytes it was found in; Replace checks that it still fits them.
type Value struct {
	// Start and End delimit the raw value, doc[Start:End]: for an element,
	// everything between its start tag and its end tag; for an attribute,
	// the value between the quotes.
	Start, End int
	// Raw is doc[Start:End], markup and all (entity references, CDATA).
	Raw string
	// Text is the value as an XML parser reports it: entity and character
	// references resolved, CDATA sections unwrapped, line ends normalized to
	// \n, and, for an attribute, literal tabs and line breaks turned into
	// spaces (XML attribute-value normalization). It is not trimmed.
	Text string
}
