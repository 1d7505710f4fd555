package apim

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/propedit"
)

// testBrokers are the broker ports of a 2.x instance at offset 10.
var testBrokers = BrokerPortsOf(ShiftedOn(CarbonHome, 10, nil))

// On the shipped 2.1.0 jndi.properties, both factories are kept in step:
// at offset 10 only the two ports' digits change (5682), twice is once,
// the plan from the URLs read agrees with the edit, and restoring the
// recorded originals gives the shipped bytes back.
func TestJMSBrokersOnTheShippedFile(t *testing.T) {
	doc := fixture(t, "apim-2.1.0/"+JNDIProperties)
	got, err := JMSBrokerURLs(doc)
	want := map[string]string{"TopicConnectionFactory": "tcp://localhost:5672", "QueueConnectionFactory": "tcp://localhost:5672"}
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("JMSBrokerURLs = %v, %v", got, err)
	}
	planned := PlanJMSBrokerURLs(got, testBrokers)
	orig, err := JMSBrokers.Original(doc)
	if err != nil {
		t.Fatal(err)
	}
	out, err := SetJMSBrokerURLs(doc, testBrokers)
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.ReplaceAll(doc, []byte("brokerlist='tcp://localhost:5672'"), []byte("brokerlist='tcp://localhost:5682'")); !bytes.Equal(out, want) {
		t.Fatalf("got\n%s", out)
	}
	if after, err := JMSBrokerURLs(out); err != nil || !maps.Equal(after, planned) {
		t.Fatalf("reads back %v, %v; planned %v", after, err, planned)
	}
	if again, err := SetJMSBrokerURLs(out, testBrokers); err != nil || !bytes.Equal(again, out) {
		t.Fatalf("twice: %v", err)
	}
	for _, edited := range [][]byte{out, doc} {
		if back, err := JMSBrokers.Restore(edited, orig); err != nil || !bytes.Equal(back, doc) {
			t.Fatalf("restore: %v\n%s", err, back)
		}
	}
	if strings.Contains(string(orig), "admin") {
		t.Fatalf("the original keeps the connection URL, credentials and all: %s", orig)
	}
}

// Which brokers are kept in step, and what the others leave alone.
func TestJMSBrokerShapes(t *testing.T) {
	const key = "connectionfactory.TopicConnectionFactory = "
	for _, tc := range []struct {
		name, value string
		urls        map[string]string // nil: not managed
		set         string            // the value after SetJMSBrokerURLs at offset 10; "" for unchanged
	}{
		{"127.0.0.1", "amqp://a:b@c/carbon?brokerlist='tcp://127.0.0.1:5672'", map[string]string{"TopicConnectionFactory": "tcp://127.0.0.1:5672"}, "amqp://a:b@c/carbon?brokerlist='tcp://127.0.0.1:5682'"},
		{"carbon.local.ip", "amqp://a:b@c/carbon?brokerlist='tcp://${carbon.local.ip}:5672'", map[string]string{"TopicConnectionFactory": "tcp://${carbon.local.ip}:5672"}, "amqp://a:b@c/carbon?brokerlist='tcp://${carbon.local.ip}:5682'"},
		{"options and failover", "amqp://a:b@c/carbon?brokerlist='tcp://tm1:5672?retries='5'%26connectdelay='50';tcp://localhost:5673?trust_store_password='s3cret''&failover='roundrobin'",
			map[string]string{"TopicConnectionFactory": "tcp://tm1:5672;tcp://localhost:5673"},
			"amqp://a:b@c/carbon?brokerlist='tcp://tm1:5672?retries='5'%26connectdelay='50';tcp://localhost:5682?trust_store_password='s3cret''&failover='roundrobin'"},
		{"SSL", "amqp://a:b@c/carbon?brokerlist='tcp://localhost:8672?ssl='true''", map[string]string{"TopicConnectionFactory": "tcp://localhost:8672?ssl='true'"}, "amqp://a:b@c/carbon?brokerlist='tcp://localhost:8682?ssl='true''"},
		{"SSL among options", "amqp://a:b@c/carbon?brokerlist='tcp://localhost:8672?retries='1'&ssl='TRUE'&connectdelay='2';tcp://localhost:5672?ssl='false''", map[string]string{"TopicConnectionFactory": "tcp://localhost:8672?ssl='true';tcp://localhost:5672"},
			"amqp://a:b@c/carbon?brokerlist='tcp://localhost:8682?retries='1'&ssl='TRUE'&connectdelay='2';tcp://localhost:5682?ssl='false''"},
		{"trailing separator", "amqp://a:b@c/carbon?brokerlist='tcp://localhost:5672?retries='5';'", map[string]string{"TopicConnectionFactory": "tcp://localhost:5672"}, "amqp://a:b@c/carbon?brokerlist='tcp://localhost:5682?retries='5';'"},
		{"another host", "amqp://a:b@c/carbon?brokerlist='tcp://tm.example.com:5672'", nil, ""},
		{"placeholder port", "amqp://a:b@c/carbon?brokerlist='tcp://${carbon.local.ip}:${jms.port}'", nil, ""},
		{"no brokerlist", "amqp://a:b@c/carbon?failover='x'", nil, ""},
		{"not a Qpid URL", "vm://localhost:5672", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte("# x\n" + key + tc.value + "\n")
			got, err := JMSBrokerURLs(doc)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.urls
			if want == nil {
				want = map[string]string{}
			}
			if !maps.Equal(got, want) {
				t.Fatalf("JMSBrokerURLs = %v, want %v", got, want)
			}
			out, err := SetJMSBrokerURLs(doc, testBrokers)
			wantOut := doc
			if tc.set != "" {
				wantOut = []byte("# x\n" + key + tc.set + "\n")
			}
			if err != nil || !bytes.Equal(out, wantOut) {
				t.Fatalf("SetJMSBrokerURLs = %q, %v", out, err)
			}
			if after, _ := JMSBrokerURLs(out); !maps.Equal(after, PlanJMSBrokerURLs(got, testBrokers)) {
				t.Fatalf("planned %v, got %v", PlanJMSBrokerURLs(got, testBrokers), after)
			}
			for _, u := range got {
				if strings.Contains(u, "s3cret") {
					t.Fatalf("a broker option is in the URLs: %q", u)
				}
			}
		})
	}
	// No jndi.properties factory at all: nothing, never an error.
	if got, err := JMSBrokerURLs([]byte("topic.throttleData = throttleData\n")); err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
}

// Bad input is an error that names the key and the line, quotes no
// credential, and edits nothing.
func TestJMSBrokerRefusals(t *testing.T) {
	shipped := fixture(t, "apim-2.1.0/"+JNDIProperties)
	topic := "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:5672'"
	for _, tc := range []struct {
		name, replacement string
		msg               string
		kind              error
	}{
		{"port not a number", "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:56x2'", `connectionfactory.TopicConnectionFactory (line 19): the broker tcp://localhost:56x2 has the port "56x2", not a number from 1 to 65535`, nil},
		{"port too large", "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:99999'", `has the port "99999"`, nil},
		{"no port", "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost'", "the broker tcp://localhost has no port", nil},
		{"continuation inside the URL", "amqp://admin:admin@clientid/carbon?brokerlist='tcp://local\\\n    host:5672'", "the broker tcp://localhost:5672 is split over lines 19 and 20 by a line continuation", nil},
		{"continuation inside the port", "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:56\\\n    72'", "split over lines 19 and 20", nil},
		{"escaped port", "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:\\u0035672'", "port is written with an escape", nil},
		{"not closed", "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:5672", "the brokerlist has no closing quote", nil},
		{"not a list", "amqp://admin:admin@clientid/carbon?brokerlist='localhost:5672'", "the brokerlist is not a list of broker URLs", nil},
		{"brokerlist twice", "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:5672'&brokerlist='tcp://x:1'", "the brokerlist option is set twice", nil},
		{"malformed escape", "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:5672'\\u00", "line 19", propedit.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := bytes.Replace(shipped, []byte(topic), []byte(tc.replacement), 1)
			orig := bytes.Clone(doc)
			for what, call := range map[string]func() error{
				"JMSBrokerURLs":    func() error { _, err := JMSBrokerURLs(doc); return err },
				"SetJMSBrokerURLs": func() error { _, err := SetJMSBrokerURLs(doc, testBrokers); return err },
				"Original":         func() error { _, err := JMSBrokers.Original(doc); return err },
			} {
				err := call()
				if err == nil || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("%s: %v, want %q", what, err, tc.msg)
				}
				if tc.kind != nil && !errors.Is(err, tc.kind) || tc.kind == nil && !errors.As(err, new(*ValueError)) {
					t.Fatalf("%s: %v (%T) is not the named kind", what, err, err)
				}
				if strings.Contains(err.Error(), "admin") {
					t.Fatalf("%s: the message quotes the credentials: %v", what, err)
				}
			}
			if !bytes.Equal(doc, orig) {
				t.Fatal("the input was modified")
			}
		})
	}
	twice := append(bytes.Clone(shipped), "connectionfactory.TopicConnectionFactory = amqp://x:y@z/w?brokerlist='tcp://localhost:5672'\n"...)
	if _, err := SetJMSBrokerURLs(twice, testBrokers); !errors.Is(err, propedit.ErrAmbiguous) {
		t.Fatalf("a factory set twice: %v", err)
	}
}

// Restore puts back only brokers that still name the instance itself: one
// turned to another host by hand stays so, and so does one whose port a
// hand edit has emptied.
func TestJMSBrokersRestoreLeavesOtherHosts(t *testing.T) {
	doc := fixture(t, "apim-2.1.0/"+JNDIProperties)
	orig, err := JMSBrokers.Original(doc)
	if err != nil {
		t.Fatal(err)
	}
	var origs jmsOriginals
	if err := json.Unmarshal(orig, &origs); err != nil || origs["TopicConnectionFactory"][0] != "5672" {
		t.Fatalf("original %s, %v", orig, err)
	}
	out, err := SetJMSBrokerURLs(doc, testBrokers)
	if err != nil {
		t.Fatal(err)
	}
	moved := bytes.Replace(out, []byte("clientid/carbon?brokerlist='tcp://localhost:5682'"), []byte("clientid/carbon?brokerlist='tcp://tm1:5682'"), 1)
	emptied := bytes.Replace(moved, []byte("clientID/test?brokerlist='tcp://localhost:5682'"), []byte("clientID/test?brokerlist='tcp://localhost:'"), 1)
	if back, err := JMSBrokers.Restore(emptied, orig); err != nil || !bytes.Equal(back, emptied) {
		t.Fatalf("an emptied port: %v\n%s", err, back)
	}
	back, err := JMSBrokers.Restore(moved, orig)
	want := bytes.Replace(doc, []byte("clientid/carbon?brokerlist='tcp://localhost:5672'"), []byte("clientid/carbon?brokerlist='tcp://tm1:5682'"), 1)
	if err != nil || !bytes.Equal(back, want) {
		t.Fatalf("got %v\n%s", err, back)
	}
}
