package fileformat

import "fmt"

// Replace returns a copy of doc in which v's span holds raw instead of
// v.Raw. raw is spliced in as it is: the format's editor escapes or quotes
// it. Only the differing middle is rewritten (the common prefix and suffix
// of v.Raw and raw stay where they are), so the fewest bytes change, and
// with raw == v.Raw the result equals doc. doc itself is never modified.
//
// v must have been found in these very bytes. Replace cannot return an
// error, so a Value that does not fit doc (out of range, or
// doc[v.Start:v.End] != v.Raw: a stale Value from another version of the
// file) is a programming error and panics rather than corrupting a file.
func Replace(doc []byte, v Value, raw string) []byte {
	if v.Start < 0 || v.End < v.Start || v.End > len(doc) || string(doc[v.Start:v.End]) != v.Raw {
		panic(fmt.Sprintf("fileformat.Replace: the Value [%d:%d] does not belong to this document", v.Start, v.End))
	}
	old := v.Raw
	pre := 0
	for pre < len(old) && pre < len(raw) && old[pre] == raw[pre] {
		pre++
	}
	suf := 0
	for suf < len(old)-pre && suf < len(raw)-pre && old[len(old)-1-suf] == raw[len(raw)-1-suf] {
		suf++
	}
	cut, end := v.Start+pre, v.End-suf
	mid := raw[pre : len(raw)-suf]
	out := make([]byte, 0, len(doc)-(end-cut)+len(mid))
	out = append(out, doc[:cut]...)
	out = append(out, mid...)
	return append(out, doc[end:]...)
}
