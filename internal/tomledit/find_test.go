package tomledit

import (
	"errors"
	"testing"
)

func TestFindForms(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		k         Key
		raw, text string
		typ       Type
		quote     string
		line      int
	}{
		{"header", "[server]\noffset = 1\n", offsetKey, "1", "1", Integer, "", 2},
		{"dotted top level", "a = 1\nserver.offset = 1 # c\n", offsetKey, "1", "1", Integer, "", 2},
		{"dotted under parent", "[apim]\nws.port = 9099\n", wsPortKey, "9099", "9099", Integer, "", 2},
		{"quoted key parts", "[\"apim\" . ws]\n'port' = 9099\n", wsPortKey, "9099", "9099", Integer, "", 2},
		{"inline", "server = { hostname = \"h\", offset = 1 }\n", offsetKey, "1", "1", Integer, "", 1},
		{"nested inline", "apim = { ws = { port = 1 } }\n", wsPortKey, "1", "1", Integer, "", 1},
		{"inline in header", "[apim]\nws = { port = 7 }\n", wsPortKey, "7", "7", Integer, "", 2},
		{"basic string", "[server]\noffset = \"2\"\n", offsetKey, `"2"`, "2", String, `"`, 2},
		{"literal string", "[server]\noffset = '2'\n", offsetKey, `'2'`, "2", String, `'`, 2},
		{"multiline basic", "[server]\noffset = \"\"\"\n2\"\"\"\n", offsetKey, "\"\"\"\n2\"\"\"", "2", String, `"""`, 2},
		{"multiline literal", "[server]\noffset = '''2'''\n", offsetKey, "'''2'''", "2", String, `'''`, 2},
		{"escapes", "[server]\noffset = \"\\u0032\"\n", offsetKey, `"\u0032"`, "2", String, `"`, 2},
		{"float", "[server]\noffset = 2.5\n", offsetKey, "2.5", "2.5", Float, "", 2},
		{"bool", "[server]\noffset = true\n", offsetKey, "true", "true", Bool, "", 2},
		{"date-time", "[server]\noffset = 1979-05-27T07:32:00Z\n", offsetKey, "1979-05-27T07:32:00Z", "1979-05-27T07:32:00Z", OffsetDateTime, "", 2},
		{"local date-time", "[server]\noffset = 1979-05-27 07:32:00\n", offsetKey, "1979-05-27 07:32:00", "1979-05-27 07:32:00", LocalDateTime, "", 2},
		{"local date", "[server]\noffset = 1979-05-27\n", offsetKey, "1979-05-27", "1979-05-27", LocalDate, "", 2},
		{"local time", "[server]\noffset = 07:32:00\n", offsetKey, "07:32:00", "07:32:00", LocalTime, "", 2},
		{"array", "[server]\noffset = [ 1,\n 2 ] # c\n", offsetKey, "[ 1,\n 2 ]", "[ 1,\n 2 ]", Array, "", 2},
		{"inline table value", "[a]\nserver = {offset = 1}\n", NewKey("a", "server"), "{offset = 1}", "{offset = 1}", InlineTable, "", 2},
		{"top level", "offset = 1\n[server]\n", NewKey("", "offset"), "1", "1", Integer, "", 1},
		{"bom crlf", "\xef\xbb\xbf[server]\r\noffset\t=\t1\r\n", offsetKey, "1", "1", Integer, "", 2},
		{"after sub-table", "[server.x]\na = 1\n[server]\noffset = 1\n", offsetKey, "1", "1", Integer, "", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Find([]byte(tc.doc), tc.k)
			if err != nil {
				t.Fatal(err)
			}
			if v.Raw != tc.raw || v.Text != tc.text || v.Type != tc.typ || v.Quote != tc.quote || v.Line != tc.line || v.Entry != 0 {
				t.Fatalf("got %+v", v)
			}
			if tc.doc[v.Start:v.End] != v.Raw {
				t.Fatalf("span [%d:%d] holds %q, not Raw", v.Start, v.End, tc.doc[v.Start:v.End])
			}
		})
	}
}

func TestFindArrayOfTables(t *testing.T) {
	doc := []byte("[[apim.gateway.environment]]\nname = \"a\"\nws_endpoint = \"ws://localhost:9099\"\n" +
		"[apim.gateway.environment.sub]\nx = 1\n" +
		"[[apim.gateway.environment]]\nname = \"b\"\n" +
		"[[apim.gateway.environment]]\nws_endpoint = 'ws://lb:80'\n")
	vals, err := FindAll(doc, wsEndpoint)
	if err != nil || len(vals) != 2 {
		t.Fatalf("got %+v, %v", vals, err)
	}
	if vals[0].Entry != 0 || vals[0].Text != "ws://localhost:9099" || vals[1].Entry != 2 || vals[1].Text != "ws://lb:80" || vals[1].Line != 9 {
		t.Fatalf("got %+v", vals)
	}
	sub, err := FindAll(doc, NewKey("apim.gateway.environment.sub", "x"))
	if err != nil || len(sub) != 1 || sub[0].Entry != 0 {
		t.Fatalf("the sub-table of entry 0: %+v, %v", sub, err)
	}
	k := wsEndpoint
	k.Entry = 2
	if v, err := Find(doc, k); err != nil || v != vals[1] {
		t.Fatalf("entry 2: %+v, %v", v, err)
	}
	for _, entry := range []int{1, 3} {
		k.Entry = entry
		if _, err := Find(doc, k); !errors.Is(err, ErrNotFound) {
			t.Fatalf("entry %d: got %v, want ErrNotFound", entry, err)
		}
	}
	static := []byte("[apim.gateway]\nenvironment = [ { ws_endpoint = \"ws://a:1\" }, # c\n  { ws_endpoint = \"ws://b:2\" } ]\n")
	vals, err = FindAll(static, wsEndpoint)
	if err != nil || len(vals) != 2 || vals[1].Entry != 1 || vals[1].Text != "ws://b:2" {
		t.Fatalf("an array of inline tables: %+v, %v", vals, err)
	}
}

func TestFindRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		k         Key
		kind      Kind
	}{
		{"missing", "[server]\nhostname = \"h\"\n", offsetKey, ErrNotFound},
		{"commented out", "[server]\n#offset=0\n", offsetKey, ErrNotFound},
		{"in a string", "[server]\nx = \"offset = 1\"\n", offsetKey, ErrNotFound},
		{"other table", "[servers]\noffset = 1\n[server.x]\noffset = 1\n", offsetKey, ErrNotFound},
		{"table header", "[server.offset]\n", offsetKey, ErrNotValue},
		{"dotted table", "server.offset.x = 1\n", offsetKey, ErrNotValue},
		{"array of tables", "[[server.offset]]\n", offsetKey, ErrNotValue},
		{"nested arrays", "[[a]]\n[[a.b]]\nc = 1\n", NewKey("a.b", "c"), ErrAmbiguous},
		{"entry of a plain table", "[server]\noffset = 1\n", Key{Table: []string{"server"}, Name: "offset", Entry: 1}, ErrNotFound},
		{"syntax", "[server]\noffset = \n", offsetKey, ErrMalformed},
		{"duplicate", "[server]\noffset = 1\n[server]\n", offsetKey, ErrDuplicate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Find([]byte(tc.doc), tc.k)
			var e *Error
			if !errors.As(err, &e) || e.Kind != tc.kind || e.Msg == "" {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			if _, err := FindAll([]byte(tc.doc), tc.k); !errors.Is(err, tc.kind) && tc.name != "entry of a plain table" {
				t.Fatalf("FindAll: got %v, want %v", err, tc.kind)
			}
		})
	}
}

func TestFindRealFixtures(t *testing.T) {
	for _, name := range fixtureNames {
		doc := fixture(t, name)
		if _, err := Find(doc, offsetKey); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: offset: %v, want ErrNotFound (it ships commented out or not at all)", name, err)
		}
		v, err := Find(doc, NewKey("server", "hostname"))
		if err != nil || v.Text != "localhost" || v.Quote != `"` || v.Line != 2 {
			t.Errorf("%s: hostname: %+v, %v", name, v, err)
		}
		if _, err := Find(doc, NewKey("", "server")); !errors.Is(err, ErrNotValue) {
			t.Errorf("%s: [server] itself: %v, want ErrNotValue", name, err)
		}
	}
	// A quoted key with a dot in it is one part.
	v, err := Find(fixture(t, "deployment-4.7.0.toml"), Key{Table: []string{"event_listener", "properties"}, Name: "header.X-WSO2-KEY-MANAGER"})
	if err != nil || v.Text != "default" {
		t.Errorf("quoted key: %+v, %v", v, err)
	}
}

// A parsed Document finds what Find finds, and refuses what Find refuses.
func TestDocumentFindAgreesWithFind(t *testing.T) {
	keys := []Key{offsetKey, NewKey("server", "hostname"), NewKey("", "server"), NewKey("apim.gateway.environment", "ws_endpoint")}
	for _, name := range fixtureNames {
		doc := fixture(t, name)
		parsed, err := Parse(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, k := range keys {
			want, wantErr := Find(doc, k)
			got, gotErr := parsed.Find(k)
			if got != want || !errors.Is(gotErr, errorKind(wantErr)) {
				t.Errorf("%s %v: Document.Find = %+v, %v; Find = %+v, %v", name, k, got, gotErr, want, wantErr)
			}
		}
	}
	if _, err := Parse([]byte("a = 1\na = 2\n")); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Parse of a key defined twice: %v, want ErrDuplicate", err)
	}
}

// errorKind is the kind sentinel of err (nil for nil), for errors.Is.
func errorKind(err error) error {
	for _, kind := range []error{ErrNotFound, ErrNotValue, ErrMalformed, ErrDuplicate} {
		if errors.Is(err, kind) {
			return kind
		}
	}
	return err
}
