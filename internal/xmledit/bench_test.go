package xmledit

import "testing"

// BenchmarkReplaceOffset measures the provider's whole edit of carbon.xml:
// locating <Server>/<Ports>/<Offset> (which parses and checks the entire
// document) and splicing in the new value.
func BenchmarkReplaceOffset(b *testing.B) {
	for _, bc := range []struct {
		name string
		doc  []byte
	}{
		{"carbon.xml", fixture(b, carbonFile)},
		{"carbon.xml-latin1", variantNamed(b, "latin1")},
		{"10MB", bigCarbonDoc(b)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.doc)))
			b.ReportAllocs()
			for b.Loop() {
				v, err := FindText(bc.doc, offsetPath)
				if err != nil {
					b.Fatal(err)
				}
				if out := Replace(bc.doc, v, "7"); len(out) != len(bc.doc) {
					b.Fatal("length changed")
				}
			}
		})
	}
}

// BenchmarkInsertChild measures adding <Offset> to carbon.xml, including
// InsertChild's own verification passes.
func BenchmarkInsertChild(b *testing.B) {
	doc := carbonNoOffset(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := InsertChild(doc, portsPath, offsetStep, "0", true); err != nil {
			b.Fatal(err)
		}
	}
}
