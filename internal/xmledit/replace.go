package xmledit

import "github.com/portoffset/terraform-provider-apim/internal/fileformat"

// Replace returns a copy of doc in which v's span holds raw instead of
// v.Raw. raw is spliced in as it is: escape a value with EscapeText or
// EscapeAttr first. Only the differing middle is rewritten (the common
// prefix and suffix of v.Raw and raw stay where they are), so the fewest
// bytes change, and with raw == v.Raw the result equals doc. doc itself is
// never modified. It is fileformat.Replace, the splice every editor shares.
//
// v must come from FindText or FindAttr on these very bytes. Replace cannot
// return an error, so a Value that does not fit doc (out of range, or
// doc[v.Start:v.End] != v.Raw: a stale Value from another version of the
// file) is a programming error and panics rather than corrupting a file.
// To be sure of the result, look the value up again in the output.
func Replace(doc []byte, v Value, raw string) []byte {
	return fileformat.Replace(doc, v.Value, raw)
}
