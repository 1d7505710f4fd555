package apim

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

func fixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/wso2/" + rel)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOffsetRoundTrip(t *testing.T) {
	doc := fixture(t, "apim-2.1.0/"+CarbonXML)
	if got, err := ReadOffset(doc); err != nil || got != 0 {
		t.Fatalf("ReadOffset: %d, %v", got, err)
	}
	orig, err := OffsetOriginal(doc)
	if err != nil || orig != (Original{Raw: "0"}) {
		t.Fatalf("OffsetOriginal: %+v, %v", orig, err)
	}
	out, err := SetOffset(doc, 7)
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.Replace(doc, []byte("<Offset>0</Offset>"), []byte("<Offset>7</Offset>"), 1); !bytes.Equal(out, want) {
		t.Fatal("SetOffset changed more than the value")
	}
	again, err := SetOffset(out, 7)
	if err != nil || !bytes.Equal(again, out) {
		t.Fatalf("a second identical edit changed the document: %v", err)
	}
	back, err := RestoreOffset(out, orig)
	if err != nil || !bytes.Equal(back, doc) {
		t.Fatalf("RestoreOffset did not give back the original bytes: %v", err)
	}
}

func TestOffsetRefusesBadValues(t *testing.T) {
	doc := fixture(t, "apim-2.1.0/"+CarbonXML)
	for _, tc := range []struct {
		value string
		isErr func(error) bool
	}{
		{"abc", func(err error) bool { return errors.As(err, new(*ValueError)) }},
		{"-3", func(err error) bool { return errors.As(err, new(*ValueError)) }},
		{"99999999999999999999", func(err error) bool { return errors.As(err, new(*ValueError)) }},
		{"<x/>", func(err error) bool { return errors.Is(err, xmledit.ErrNotText) }},
	} {
		bad := bytes.Replace(doc, []byte("<Offset>0</Offset>"), []byte("<Offset>"+tc.value+"</Offset>"), 1)
		if _, err := ReadOffset(bad); !tc.isErr(err) {
			t.Errorf("ReadOffset(%q): got %v", tc.value, err)
		}
		if out, err := SetOffset(bad, 2); !tc.isErr(err) || out != nil {
			t.Errorf("SetOffset over %q: got %v", tc.value, err)
		}
	}
	// A value out of range is reported with the range the resource accepts
	// (MaxOffset, 54424 with APIM 2.1.0's ports), as deployment.toml's is.
	for _, value := range []string{"two", "54425"} {
		bad := bytes.Replace(doc, []byte("<Offset>0</Offset>"), []byte("<Offset>"+value+"</Offset>"), 1)
		want := fmt.Sprintf("<Offset> holds %q, not a whole number from 0 to 54424", value)
		if _, err := ReadOffset(bad); err == nil || err.Error() != want {
			t.Errorf("ReadOffset(%q): got %v, want %s", value, err, want)
		}
	}
	highest := bytes.Replace(doc, []byte("<Offset>0</Offset>"), []byte("<Offset>54424</Offset>"), 1)
	if got, err := ReadOffset(highest); err != nil || got != 54424 {
		t.Errorf("ReadOffset(54424): %d, %v", got, err)
	}
	noPorts := bytes.ReplaceAll(doc, []byte("Ports>"), []byte("Portz>"))
	if _, err := SetOffset(noPorts, 2); !errors.Is(err, xmledit.ErrNotFound) || !strings.Contains(err.Error(), "Ports") {
		t.Errorf("no <Ports>: got %v", err)
	}
}

func TestInboundRoundTrip(t *testing.T) {
	for _, rel := range []string{"apim-2.1.0/" + WebSocket.File, "apim-2.2.0/" + SecureWebSocket.File} {
		doc := fixture(t, rel)
		in, err := ReadInbound(doc)
		if err != nil || !in.UseOffset {
			t.Fatalf("%s: ReadInbound %+v, %v", rel, in, err)
		}
		orig, err := InboundOriginalsOf(doc)
		if err != nil {
			t.Fatal(err)
		}
		out, err := SetInbound(doc, in.Port+5)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadInbound(out)
		if err != nil || got != (Inbound{Port: in.Port + 5}) {
			t.Fatalf("%s: after SetInbound %+v, %v", rel, got, err)
		}
		if again, _ := SetInbound(out, in.Port+5); !bytes.Equal(again, out) {
			t.Errorf("%s: a second identical edit changed the document", rel)
		}
		back, err := RestoreInbound(out, orig)
		if err != nil || !bytes.Equal(back, doc) {
			t.Errorf("%s: RestoreInbound did not give back the original bytes: %v", rel, err)
		}
	}
}

func TestWorkflowCallbackRoundTrip(t *testing.T) {
	doc := fixture(t, "apim-2.1.0/"+WorkflowCallbackService)
	orig, err := WorkflowCallbackOriginal(doc)
	if err != nil {
		t.Fatal(err)
	}
	out, url, managed, err := SetWorkflowCallback(doc, 9445)
	if err != nil || !managed || !strings.HasPrefix(url, "https://localhost:9445/store/") {
		t.Fatalf("SetWorkflowCallback: %q %v %v", url, managed, err)
	}
	if want := bytes.Replace(doc, []byte("localhost:9443"), []byte("localhost:9445"), 1); !bytes.Equal(out, want) {
		t.Fatal("SetWorkflowCallback changed more than the port")
	}
	back, err := RestoreWorkflowCallback(out, orig)
	if err != nil || !bytes.Equal(back, doc) {
		t.Fatalf("RestoreWorkflowCallback: %v", err)
	}
	remote := bytes.Replace(doc, []byte("localhost:9443"), []byte("store.example.com:9443"), 1)
	if out, _, managed, err := SetWorkflowCallback(remote, 9445); err != nil || managed || !bytes.Equal(out, remote) {
		t.Errorf("a callback on another host must be left alone: managed=%v err=%v", managed, err)
	}
}

func TestRestoreAnElementRemovedByHand(t *testing.T) {
	doc := fixture(t, "apim-2.1.0/"+CarbonXML)
	doc = bytes.Replace(doc, []byte("<Offset>0</Offset>"), []byte("<Offset> 3 </Offset>"), 1)
	orig, err := OffsetOriginal(doc)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := xmledit.RemoveElement(doc, OffsetPath)
	if err != nil {
		t.Fatal(err)
	}
	back, err := RestoreOffset(gone, orig)
	if err != nil {
		t.Fatal(err)
	}
	got, err := xmledit.FindText(back, OffsetPath)
	if err != nil || got.Raw != " 3 " {
		t.Fatalf("restored <Offset> holds %q (%v), want the original raw bytes %q", got.Raw, err, " 3 ")
	}
}

// TestWorkflowCallback3x: the 3.0-4.1 WorkflowCallbackService.xml keeps its
// URL in <http uri-template>: its port follows servlet_https like 2.x's
// <address uri>, only the port digits change, and restore gives the file
// back.
func TestWorkflowCallback3x(t *testing.T) {
	for _, v := range []string{"3.2.0", "4.0.0"} {
		doc, err := os.ReadFile("../../testdata/wso2/apim-" + v + "/" + WorkflowCallbackService)
		if err != nil {
			t.Fatal(err)
		}
		const shipped = "https://localhost:9443/api/am/admin/v0.17/workflows/update-workflow-status?workflowReferenceId={uri.var.workflowRef}"
		if got, err := ReadWorkflowCallback(doc); err != nil || got != shipped {
			t.Fatalf("%s: ReadWorkflowCallback = %q, %v", v, got, err)
		}
		orig, err := WorkflowCallbackOriginal(doc)
		if err != nil {
			t.Fatal(err)
		}
		out, url, managed, err := SetWorkflowCallback(doc, 9446)
		if err != nil || !managed || url != strings.Replace(shipped, ":9443/", ":9446/", 1) {
			t.Fatalf("%s: SetWorkflowCallback = %q, %v, %v", v, url, managed, err)
		}
		if want := bytes.Replace(doc, []byte("localhost:9443/api/am"), []byte("localhost:9446/api/am"), 1); !bytes.Equal(out, want) {
			t.Fatalf("%s: more than the port changed", v)
		}
		back, err := RestoreWorkflowCallback(out, orig)
		if err != nil || !bytes.Equal(back, doc) {
			t.Fatalf("%s: restore did not give the file back (%v)", v, err)
		}
	}
	if _, err := ReadWorkflowCallback([]byte(`<proxy xmlns="http://ws.apache.org/ns/synapse"><target/></proxy>`)); !errors.Is(err, xmledit.ErrNotFound) {
		t.Fatalf("a file of neither shape: %v, want ErrNotFound", err)
	}
}
