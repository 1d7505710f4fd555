package xmledit

import "github.com/portoffset/terraform-provider-apim/internal/fileformat"

// Value is one located value in a document: the character content of an
// element, or the value of an attribute. It is only meaningful together with
// the exact bytes it was found in; Replace checks that it still fits them.
type Value struct {
	// Value is the span and raw bytes, doc[Start:End] == Raw: for an
	// element, everything between its start tag and its end tag, markup and
	// all (entity references, CDATA); for an attribute, the value between
	// the quotes. It is the format-independent part, which code above the
	// editors handles without importing xmledit.
	fileformat.Value
	// Text is the value as an XML parser reports it: entity and character
	// references resolved, CDATA sections unwrapped, line ends normalized to
	// \n, and, for an attribute, literal tabs and line breaks turned into
	// spaces (XML attribute-value normalization). It is not trimmed.
	Text string
}
