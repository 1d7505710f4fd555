package main

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// applyLike does to a home, with the domain package, what the provider's
// apply does to it, so that the layouts' checks can be tried without
// Terraform.
var applyLike = map[string]map[string]func(in instance) error{
	"2.1.0": {
		kindPorts: func(in instance) error {
			if err := editFile(filepath.Join(in.Home, apim.CarbonXML), func(doc []byte) ([]byte, error) {
				return apim.SetOffset(doc, in.Offset)
			}); err != nil {
				return err
			}
			if err := editFile(filepath.Join(in.Home, apim.WorkflowCallbackService), func(doc []byte) ([]byte, error) {
				out, _, _, err := apim.SetWorkflowCallback(doc, 9443+in.Offset)
				return out, err
			}); err != nil {
				return err
			}
			return editFile(filepath.Join(in.Home, apim.JNDIProperties), func(doc []byte) ([]byte, error) {
				return apim.SetJMSBrokerURLs(doc, apim.BrokerPorts{AMQP: 5672 + in.Offset, AMQPSSL: 8672 + in.Offset})
			})
		},
		kindWebSocket: func(in instance) error {
			return editFile(filepath.Join(in.Home, apim.WebSocket.File), func(doc []byte) ([]byte, error) {
				return apim.SetInbound(doc, apim.WebSocket.BasePort+in.Offset)
			})
		},
	},
	"4.2.0": {
		kindPorts: func(in instance) error {
			return editFile(filepath.Join(in.Home, apim.DeploymentTOML), func(doc []byte) ([]byte, error) {
				return apim.SetTOMLOffset(doc, in.Offset)
			})
		},
		kindWebSocket: func(in instance) error {
			return editFile(filepath.Join(in.Home, apim.DeploymentTOML), func(doc []byte) ([]byte, error) {
				return setTemplatedPort(in.Home, doc, in.Offset)
			})
		},
	},
}

// TestLayouts lays out 20 homes of each layout from the real fixtures and
// checks that the benchmark's checks tell work done from work not done: the
// shipped homes are as shipped and not applied, applied ones pass, and the
// hand edits make a tenth of the homes, of both kinds, fail again.
func TestLayouts(t *testing.T) {
	t.Chdir("..") // the fixture paths are from the repository root
	for version, l := range layouts {
		t.Run(version, func(t *testing.T) {
			f, err := l.readFixtures()
			if err != nil {
				t.Fatal(err)
			}
			ins := instances(20, t.TempDir(), nil, 0, l)
			if err := f.layOut(ins); err != nil {
				t.Fatal(err)
			}
			for _, kind := range []string{kindPorts, kindWebSocket} {
				for _, rel := range l.kinds[kind].filesRead {
					if _, ok := f[rel]; !ok {
						t.Errorf("%s: a plan reads %s, which the layout does not lay out", kind, rel)
					}
				}
			}
			if changed := f.changedFromShipped(ins); len(changed) != 0 {
				t.Fatalf("freshly laid out homes differ from the shipped files: %v", changed)
			}
			if wrong := f.wrongApplied(ins); len(wrong) != len(ins) {
				t.Fatalf("shipped homes: %d of %d not applied, want all: the check passes without the work", len(wrong), len(ins))
			}
			for _, in := range ins {
				if err := applyLike[version][in.Kind](in); err != nil {
					t.Fatalf("%s: %v", in.Home, err)
				}
			}
			if wrong := f.wrongApplied(ins); len(wrong) != 0 {
				t.Fatalf("applied homes fail the check: %v", wrong)
			}
			if len(f.changedFromShipped(ins)) == 0 {
				t.Fatal("applied homes are as shipped")
			}
			if err := editByHand(ins); err != nil {
				t.Fatal(err)
			}
			var wantWrong []string
			edited := map[string]int{}
			for i, in := range ins {
				if editedByHand(i) {
					wantWrong = append(wantWrong, in.Home)
					edited[in.Kind]++
				}
			}
			if edited[kindPorts] == 0 || edited[kindWebSocket] == 0 {
				t.Fatalf("the hand edits reach %v: not both kinds", edited)
			}
			var gotWrong []string
			for _, in := range ins {
				if in.kind().applied(in, f) != nil {
					gotWrong = append(gotWrong, in.Home)
				}
			}
			if !slices.Equal(gotWrong, wantWrong) {
				t.Errorf("after the hand edits the homes not applied are %v, want %v", gotWrong, wantWrong)
			}
		})
	}
}
