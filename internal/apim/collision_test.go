package apim

import (
	"reflect"
	"testing"
)

// The collisions of the 2.1.0 set that the research lists
// (../shared/research/wso2-domain.md §9): offsets whose difference is the
// distance between two ports one instance opens.
func TestSharedPortsOf210Offsets(t *testing.T) {
	home := CarbonHome
	for _, tc := range []struct {
		a, b int64
		want []SharedPort
	}{
		{0, 8, []SharedPort{{10397, "key_validation_thrift", "embedded_ldap"}}},
		{0, 37, []SharedPort{{8280, "gateway_http", "gateway_https"}}},
		{0, 100, []SharedPort{{7711, "thrift_receiver_ssl", "thrift_receiver"}, {9711, "binary_receiver_ssl", "binary_receiver"}}},
		{0, 1, nil},
		{1, 2, nil},
		{0, 2, nil},
	} {
		got := SharedPorts(Listeners(home, tc.a, nil), Listeners(home, tc.b, nil))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("offsets %d and %d share %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// A 4.x gateway and traffic manager open different sets: at offsets 0 and
// 37 two all-in-ones collide on 8280, a gateway and a traffic manager do
// not (the traffic manager has no PassThrough listener).
func TestSharedPortsFollowDistributions(t *testing.T) {
	v, _ := ParseVersion("4.2.0")
	aio := Home{Generation: Deployment3, Version: v, Distribution: AllInOne}
	gw := Home{Generation: Deployment3, Version: v, Distribution: Gateway}
	tm := Home{Generation: Deployment3, Version: v, Distribution: TrafficManager}
	if got := SharedPorts(Listeners(aio, 0, nil), Listeners(aio, 37, nil)); len(got) == 0 {
		t.Errorf("two 4.2.0 all-in-ones at 0 and 37 share no port")
	}
	if got := SharedPorts(Listeners(gw, 0, nil), Listeners(tm, 37, nil)); got != nil {
		t.Errorf("a 4.2.0 gateway at 0 and traffic manager at 37 share %v", got)
	}
}

func TestListenersAreSortedByPort(t *testing.T) {
	l := Listeners(CarbonHome, 0, nil)
	for i := 1; i < len(l); i++ {
		if l[i-1].Port > l[i].Port {
			t.Fatalf("listeners out of order: %v", l)
		}
	}
	if len(l) != len(ShiftedOn(CarbonHome, 0, nil)) {
		t.Errorf("%d listeners, want one per shifted port", len(l))
	}
}

// Offsets from SideBySide share no port, pair by pair, and the first ones
// are the small offsets that never collide.
func TestSideBySide(t *testing.T) {
	v, _ := ParseVersion("4.2.0")
	for _, h := range []Home{CarbonHome, {Generation: Deployment3, Version: v, Distribution: AllInOne}} {
		offsets := SideBySide(h, 400)
		if len(offsets) != 400 {
			t.Fatalf("%v: %d offsets, want 400", h, len(offsets))
		}
		for i := range 8 {
			if offsets[i] != int64(i) {
				t.Errorf("%v: offsets start %v, want 0 to 7", h, offsets[:8])
				break
			}
		}
		listeners := make([][]Listener, len(offsets))
		for i, o := range offsets {
			listeners[i] = Listeners(h, o, nil)
		}
		for i := range listeners {
			for j := i + 1; j < len(listeners); j++ {
				if s := SharedPorts(listeners[i], listeners[j]); s != nil {
					t.Fatalf("%v: offsets %d and %d share %v", h, offsets[i], offsets[j], s)
				}
			}
		}
	}
}
