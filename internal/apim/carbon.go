package apim

import "strconv"

// offsetSlot is <Ports><Offset>; the runtime reads a missing one as 0, and
// the provider adds it as the first child of <Ports>, where the shipped file
// has it.
var offsetSlot = textSlot{parent: PortsPath, child: OffsetElement, insertFirst: true, insertable: true}

// ReadOffset returns the offset carbon.xml sets: 0 when <Offset> is missing.
// A document without <Server><Ports> is an error.
func ReadOffset(doc []byte) (int64, error) {
	v, present, err := offsetSlot.get(doc)
	if err != nil || !present {
		return 0, err
	}
	// The range the resource accepts, as for deployment.toml's offset.
	return parseWhole("<Offset>", v.Text, MaxOffset())
}

// SetOffset returns carbon.xml with <Offset> set to offset, added when
// missing. When the offset is already right, doc itself is returned.
func SetOffset(doc []byte, offset int64) ([]byte, error) {
	// A value the runtime could not read is reported, not overwritten.
	if _, err := ReadOffset(doc); err != nil {
		return nil, err
	}
	return offsetSlot.set(doc, strconv.FormatInt(offset, 10))
}

// OffsetOriginal records <Offset> as it stands in doc.
func OffsetOriginal(doc []byte) (Original, error) { return offsetSlot.original(doc) }

// RestoreOffset puts <Offset> back as orig records it.
func RestoreOffset(doc []byte, orig Original) ([]byte, error) { return offsetSlot.restore(doc, orig) }
