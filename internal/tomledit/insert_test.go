package tomledit

import (
	"errors"
	"testing"
)

// TestSetNumberAddsWhereMissing pins where a missing key goes, byte for
// byte, for each rule of plan and the layouts around it.
func TestSetNumberAddsWhereMissing(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		// 1. The key commented out in its table's region is uncommented,
		// keeping its own spacing, indentation and trailing comment.
		{"comment", "[server]\n#offset=0\nx = 1\n", "[server]\noffset=3\nx = 1\n"},
		{"comment spaced", "[server]\n  #  offset = 0   # default\n", "[server]\n  offset = 3   # default\n"},
		{"comment last line", "[server]\n#offset=0", "[server]\noffset=3"},
		{"comment quoted value", "[server]\n# offset = \"0\"\r\n", "[server]\noffset = 3\r\n"},
		// ... but not one under a commented-out header, which belongs to
		// that other table, nor one in another table's region, nor one of
		// two candidates, nor a comment that is not a key-value of it.
		{"comment under commented header", "[server]\nx = 1\n#[server.sub]\n#offset=0\n", "[server]\noffset = 3\nx = 1\n#[server.sub]\n#offset=0\n"},
		{"comment in other table", "[a]\n#offset=0\n[server]\n", "[a]\n#offset=0\n[server]\noffset = 3\n"},
		{"two comments", "[server]\n#offset=0\n#offset=1\n", "[server]\noffset = 3\n#offset=0\n#offset=1\n"},
		{"not a key-value", "[server]\n#offset is 0\n#offsets=1\n#server.offset=1\n##offset=0\n#offset=\n", "[server]\noffset = 3\n#offset is 0\n#offsets=1\n#server.offset=1\n##offset=0\n#offset=\n"},
		// 2. Right after the header line, spaced and indented like the
		// table's first key, with the header's line ending.
		{"after header", "[server] # main\nhostname=\"h\"\n", "[server] # main\noffset=3\nhostname=\"h\"\n"},
		{"after header indented", "[server]\r\n    a  =  1\r\n", "[server]\r\n    offset  =  3\r\n    a  =  1\r\n"},
		{"header last line", "a = 1\n[server]", "a = 1\n[server]\noffset = 3"},
		{"header last line crlf", "a = 1\r\n[server]", "a = 1\r\n[server]\r\noffset = 3"},
		{"empty table", "[server]\n\n[b]\nc=1\n", "[server]\noffset=3\n\n[b]\nc=1\n"},
		// 3. After the dotted keys that make the table, spelled like them.
		{"dotted top level", "server.hostname = \"h\" # c\nserver . \"x\" = 1\n[a]\n", "server.hostname = \"h\" # c\nserver . \"x\" = 1\nserver . offset = 3\n[a]\n"},
		{"dotted under parent", "[apim]\nws.enable = true\nother = 1\n", "[apim]\nws.enable = true\nws.port = 3\nother = 1\n"},
		{"dotted deeper", "a.x = 1\n", "a.x = 1\na.ws.port = 3\n"},
		{"dotted last line", "server.a = 1", "server.a = 1\nserver.offset = 3"},
		// 4. A new top-level table before the first header's block (its
		// comments stay with it), after the top-level keys.
		{"new table", "a = 1\n\n# about b\n[b]\nc = 1\n\n[d]\n", "a = 1\n\n[server]\noffset = 3\n\n# about b\n[b]\nc = 1\n\n[d]\n"},
		{"new table after a string", "a = \"\"\"\n# in a\"\"\"\n[b]\n", "a = \"\"\"\n# in a\"\"\"\n[server]\noffset = 3\n[b]\n"},
		{"new table no blank style", "[b]\nc=1\n[d]\n", "[server]\noffset=3\n[b]\nc=1\n[d]\n"},
		{"new table crlf", "[b]\r\nc = 1\r\n\r\n[d]\r\n", "[server]\r\noffset = 3\r\n\r\n[b]\r\nc = 1\r\n\r\n[d]\r\n"},
		{"new table crlf comments", "a = 1\r\n\r\n# x\r\n  # y\r\n[b]\r\n", "a = 1\r\n\r\n[server]\r\noffset = 3\r\n\r\n# x\r\n  # y\r\n[b]\r\n"},
		{"new table under sub-table", "[server.sub]\nx = 1\n", "[server]\noffset = 3\n[server.sub]\nx = 1\n"},
		{"bom", "\xef\xbb\xbf[b]\n", "\xef\xbb\xbf[server]\noffset = 3\n[b]\n"},
		// ... or at the end when there is no header: after a blank line,
		// keeping a final newline or its absence.
		{"no header", "a = 1\n", "a = 1\n\n[server]\noffset = 3\n"},
		{"no header no final newline", "a = 1", "a = 1\n\n[server]\noffset = 3"},
		{"no header blank end", "a = 1\n\n", "a = 1\n\n[server]\noffset = 3\n"},
		{"empty", "", "[server]\noffset = 3\n"},
		{"empty bom", "\xef\xbb\xbf", "\xef\xbb\xbf[server]\noffset = 3\n"},
		{"only comments crlf", "# hi\r\n", "# hi\r\n\r\n[server]\r\noffset = 3\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := offsetKey
			if tc.name == "dotted under parent" || tc.name == "dotted deeper" {
				k = NewKey(map[string]string{"dotted under parent": "apim.ws", "dotted deeper": "a.ws"}[tc.name], "port")
			}
			out, err := SetNumber([]byte(tc.doc), k, 3)
			if err != nil || string(out) != tc.want {
				t.Fatalf("got %q, %v\nwant %q", out, err, tc.want)
			}
		})
	}
}

func TestSetNumberSubTableGoesAtEnd(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"[server]\na = 1\n\n[apim]\nb = 2\n", "[server]\na = 1\n\n[apim]\nb = 2\n\n[apim.ws]\nport = 3\n"},
		{"[server]\na = 1\n[apim]\nb = 2", "[server]\na = 1\n[apim]\nb = 2\n[apim.ws]\nport = 3"},
	} {
		out, err := SetNumber([]byte(tc.doc), wsPortKey, 3)
		if err != nil || string(out) != tc.want {
			t.Errorf("%q: got %q, %v", tc.doc, out, err)
		}
	}
}

func TestSetNumberDoesNotAdd(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		k         Key
		kind      Kind
	}{
		{"top level", "a = 1\n", NewKey("", "offset"), ErrNotFound},
		{"array of tables", "[[server]]\na = 1\n", offsetKey, ErrNotFound},
		{"inside array of tables", "[[apim.gateway.environment]]\nname = \"x\"\n", wsEndpoint, ErrNotFound},
		{"inline table", "server = { a = 1 }\n", offsetKey, ErrNotFound},
		{"static array", "server = [{ a = 1 }]\n", offsetKey, ErrNotFound},
		{"not a table", "server = \"x\"\n", offsetKey, ErrNotValue},
		{"parent not a table", "[apim]\nws = 1\n", wsPortKey, ErrNotValue},
		{"not a bare name", "[server]\n", NewKey("server", "off set"), ErrInvalidArgument},
		{"empty name", "[server]\n", NewKey("server", ""), ErrInvalidArgument},
		{"not a bare table", "", Key{Table: []string{"a.b"}, Name: "c"}, ErrInvalidArgument},
		{"entry of a plain table", "[server]\n", Key{Table: []string{"server"}, Name: "offset", Entry: 1}, ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SetNumber([]byte(tc.doc), tc.k, 3)
			var e *Error
			if !errors.As(err, &e) || e.Kind != tc.kind || e.Msg == "" {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
		})
	}
}
