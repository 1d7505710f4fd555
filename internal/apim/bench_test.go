package apim

import (
	"bytes"
	"testing"
)

// The raw XML edit is measured in internal/xmledit; these measure what the
// provider calls per plan and per apply: the plan-time port map and the
// checked edits of whole files, value parsing and validation included.

// BenchmarkShifted measures the map of every shifted port that ModifyPlan
// builds for an instance's plan.
func BenchmarkShifted(b *testing.B) {
	const offset = 7
	b.ReportAllocs()
	for b.Loop() {
		ports := ShiftedOn(CarbonHome, offset, nil)
		if len(ports) != 18 || ports["servlet_https"] != 9443+offset {
			b.Fatalf("ShiftedOn(CarbonHome, %d) = %v", offset, ports)
		}
	}
}

// BenchmarkSetOffset measures the carbon.xml edit of an apply, on the
// shipped file: once changing <Offset>, once finding it already right, which
// is every apply after the first.
func BenchmarkSetOffset(b *testing.B) {
	doc := fixture(b, "apim-2.1.0/"+CarbonXML)
	value := bytes.Index(doc, []byte("<Offset>0</Offset>")) + len("<Offset>")
	if value < len("<Offset>") {
		b.Fatal("the fixture has no <Offset>0</Offset>")
	}
	for _, bc := range []struct {
		name   string
		offset int64
		digit  byte
	}{
		{"change", 7, '7'},
		{"already-set", 0, '0'},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				out, err := SetOffset(doc, bc.offset)
				if err != nil {
					b.Fatal(err)
				}
				if len(out) != len(doc) || out[value] != bc.digit {
					b.Fatalf("SetOffset(%d) did not write %c in place", bc.offset, bc.digit)
				}
			}
		})
	}
}

// BenchmarkSetInbound measures the WebSocket inbound endpoint edit of an
// apply on the shipped file: the port rewritten and ws.use.port.offset
// turned from true to false, one byte longer.
func BenchmarkSetInbound(b *testing.B) {
	doc := fixture(b, "apim-2.1.0/"+WebSocket.File)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		out, err := SetInbound(doc, WebSocket.BasePort+7)
		if err != nil {
			b.Fatal(err)
		}
		if len(out) != len(doc)+1 {
			b.Fatalf("SetInbound: %d bytes, want %d", len(out), len(doc)+1)
		}
	}
}

// BenchmarkPortBases measures what a plan or refresh of a 3.x/4.x instance
// computes from deployment.toml: the bases of every port with a BaseKey,
// from one decode of the file.
func BenchmarkPortBases(b *testing.B) {
	doc := fixture(b, "apim-4.2.0/"+DeploymentTOML)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PortBases(doc); err != nil {
			b.Fatal(err)
		}
	}
}
