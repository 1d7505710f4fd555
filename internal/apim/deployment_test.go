package apim

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

// The real 4.2.0 deployment.toml ships "#offset=0" under [server]: setting
// the offset uncomments that line in place, one line changed, and restoring
// gives the file back byte for byte.
func TestTOMLOffsetOnTheShippedFile(t *testing.T) {
	doc, err := os.ReadFile("../../testdata/wso2/apim-4.2.0/" + DeploymentTOML)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ReadTOMLOffset(doc); err != nil || n != 0 {
		t.Fatalf("ReadTOMLOffset = %d, %v; want 0 (the shipped line is a comment)", n, err)
	}
	orig, err := TOMLOffsetOriginal(doc)
	if err != nil {
		t.Fatal(err)
	}
	out, err := SetTOMLOffset(doc, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.Replace(doc, []byte("#offset=0\n"), []byte("offset=3\n"), 1); !bytes.Equal(out, want) {
		t.Fatalf("SetTOMLOffset did not uncomment the shipped line in place:\n%s", out[:200])
	}
	if n, err := ReadTOMLOffset(out); err != nil || n != 3 {
		t.Fatalf("read back %d, %v", n, err)
	}
	if same, err := SetTOMLOffset(out, 3); err != nil || !bytes.Equal(same, out) {
		t.Fatalf("the same offset again changed the file (%v)", err)
	}
	back, err := RestoreTOMLOffset(out, orig)
	if err != nil || !bytes.Equal(back, doc) {
		t.Fatalf("restore did not give the shipped bytes back (%v)", err)
	}
	if same, err := SetTOMLOffset(doc, 0); err != nil || !bytes.Equal(same, doc) {
		t.Fatalf("offset 0 on a file that sets none wrote something (%v)", err)
	}
	if ServerRole(doc) != "default" {
		t.Fatalf("ServerRole = %q, want default", ServerRole(doc))
	}
}

func TestTOMLOffsetBadValues(t *testing.T) {
	for _, v := range []string{`"abc"`, `2.5`, `-1`, `99999999999`, `[1]`, `54425`} {
		doc := []byte("[server]\noffset = " + v + "\n")
		_, err := ReadTOMLOffset(doc)
		if !errors.Is(err, fileformat.ErrBadValue) || !strings.Contains(err.Error(), "not a whole number from 0 to 54424") {
			t.Errorf("offset = %s: %v; want a bad value naming the range 0 to 54424", v, err)
		}
		if _, err := SetTOMLOffset(doc, 3); err == nil {
			t.Errorf("offset = %s was overwritten", v)
		}
	}
	for _, bad := range []string{"[server]\noffset = 1\n[server]\n", "[server\n", "[server]\noffset = 1\noffset = 2\n"} {
		if _, err := ReadTOMLOffset([]byte(bad)); !errors.Is(err, fileformat.ErrMalformed) {
			t.Errorf("%q: %v; want malformed", bad, err)
		}
	}
}

func TestPortBases(t *testing.T) {
	shipped, err := os.ReadFile("../../testdata/wso2/apim-4.2.0/" + DeploymentTOML)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := PortBases(shipped); err != nil || len(b) != 0 {
		t.Fatalf("the shipped 4.2.0 file sets bases %v (%v); it sets none", b, err)
	}
	doc := append(append([]byte{}, shipped...), "\n[transport.https.properties]\nport = 9543\n\n[apim.ws]\nport = 9199\n\n[transport.receiver]\ntcp_port = \"9612\"\n"...)
	b, err := PortBases(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"servlet_https": 9543, "websocket": 9199, "binary_receiver": 9612}
	if len(b) != len(want) {
		t.Fatalf("bases %v, want %v", b, want)
	}
	for k, v := range want {
		if b[k] != v {
			t.Errorf("%s: base %d, want %d", k, b[k], v)
		}
	}
	h := Home{Generation: Deployment3, Version: Version{4, 2, 0}, Distribution: AllInOne}
	if got := ShiftedOn(h, 3, b)["servlet_https"]; got != 9546 {
		t.Errorf("servlet_https at offset 3 with base 9543: %d, want 9546 (the runtime adds the offset to the file's base)", got)
	}
	for _, bad := range []string{"port = \"abc\"", "port = 0", "port = 70000", "port = \"${x}\""} {
		if _, err := PortBases([]byte("[transport.https.properties]\n" + bad + "\n")); err == nil || !strings.Contains(err.Error(), "port") {
			t.Errorf("%s: %v; want an error", bad, err)
		}
	}
}
