package tomledit

import (
	"errors"
	"testing"
)

func TestURLPort(t *testing.T) {
	for _, tc := range []struct {
		value, host string
		port        int // -1: refused
	}{
		{`"ws://localhost:9099"`, "localhost", 9099},
		{`'wss://127.0.0.1:8099/'`, "127.0.0.1", 8099},
		{`"https://localhost:8021?x=1"`, "localhost", 8021},
		{`"http://u:p@h:1#f"`, "h", 1},
		{`"ws://[::1]:9099"`, "[::1]", 9099},
		{`"a+b.c-d://h:0"`, "h", 0},
		{`"https://localhost:${mgt.transport.https.port}/services/"`, "", -1},
		{`"http://localhost:${http.nio.port}"`, "", -1},
		{`"ws://localhost"`, "", -1},
		{`"ws://[::1]"`, "", -1},
		{`"ws://:9099"`, "", -1},
		{`"ws://h:99999"`, "", -1},
		{`"ws://h:65536"`, "", -1},
		{`"ws://h:+80"`, "", -1},
		{`"ws://h:"`, "", -1},
		{`"localhost:9099"`, "", -1},
		{`"1ws://h:1"`, "", -1},
		{`"ws://h:\u0039"`, "", -1},
		{"\"\"\"\nws://h:1\"\"\"", "", -1},
		{`9099`, "", -1},
		{`["ws://h:1"]`, "", -1},
	} {
		v, err := Find([]byte("[e]\nu = "+tc.value+"\n"), NewKey("e", "u"))
		if err != nil {
			t.Fatalf("%s: %v", tc.value, err)
		}
		host, port, err := v.URLPort()
		if tc.port < 0 {
			if !errors.Is(err, ErrBadValue) {
				t.Errorf("%s: got %q %d %v, want ErrBadValue", tc.value, host, port, err)
			}
			if _, err := SetURLPort([]byte("[e]\nu = "+tc.value+"\n"), NewKey("e", "u"), 1); !errors.Is(err, ErrBadValue) {
				t.Errorf("%s: SetURLPort: %v, want ErrBadValue", tc.value, err)
			}
			continue
		}
		if err != nil || host != tc.host || port != tc.port {
			t.Errorf("%s: got %q %d %v", tc.value, host, port, err)
		}
	}
}

func TestSetURLPortRefusals(t *testing.T) {
	doc := []byte("[e]\nu = \"ws://h:1\"\n")
	for _, port := range []int{-1, 65536} {
		if _, err := SetURLPort(doc, NewKey("e", "u"), port); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("port %d: %v", port, err)
		}
	}
	if _, err := SetURLPort(doc, NewKey("e", "v"), 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing URL is not made up: %v", err)
	}
}
