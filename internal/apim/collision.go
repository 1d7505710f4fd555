package apim

import (
	"maps"
	"slices"
)

// Listener is one port an instance listens on, with what listens there.
type Listener struct {
	Port int64
	// Name is the port's name in Ports, or HazelcastMemberName.
	Name string
}

// HazelcastMemberName names the Hazelcast member port of a clustered
// instance, which Carbon opens as configured whatever the offset
// (clustering.local_member_port, axis2.xml localMemberPort; 4000 as
// shipped), so two clustered instances on one host collide on it.
const HazelcastMemberName = "hazelcast_member"

// HazelcastMemberPort is the shipped Hazelcast member port.
const HazelcastMemberPort = 4000

// Listeners returns the ports an instance of h at offset listens on,
// ascending by port: ShiftedOn as a list.
func Listeners(h Home, offset int64, bases map[string]int64) []Listener {
	shifted := ShiftedOn(h, offset, bases)
	listeners := make([]Listener, 0, len(shifted))
	for _, name := range slices.Sorted(maps.Keys(shifted)) {
		listeners = append(listeners, Listener{Port: shifted[name], Name: name})
	}
	SortListeners(listeners)
	return listeners
}

// SortListeners orders listeners by port, then name.
func SortListeners(l []Listener) {
	slices.SortFunc(l, func(a, b Listener) int {
		if a.Port != b.Port {
			return int(a.Port - b.Port)
		}
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
}

// SharedPort is a port two instances both listen on: the second to start
// fails with "Address already in use".
type SharedPort struct {
	Port int64
	// A and B name what listens on Port in each instance.
	A, B string
}

// SharedPorts returns the ports both a and b listen on, ascending; nil when
// the instances can run side by side on one host.
func SharedPorts(a, b []Listener) []SharedPort {
	byPort := make(map[int64]string, len(b))
	for _, l := range b {
		byPort[l.Port] = l.Name
	}
	var shared []SharedPort
	for _, l := range a {
		if name, ok := byPort[l.Port]; ok {
			shared = append(shared, SharedPort{Port: l.Port, A: l.Name, B: name})
		}
	}
	slices.SortFunc(shared, func(x, y SharedPort) int { return int(x.Port - y.Port) })
	return shared
}

// SideBySide returns offsets for n instances of h on one host, none of
// whose ports meet: each the smallest offset whose ports are all free of
// those before it, as far as they fit below MaxOffset (fewer than n when
// they do not).
func SideBySide(h Home, n int) []int64 {
	taken := map[int64]bool{}
	var offsets []int64
	for offset := int64(0); len(offsets) < n && offset <= MaxOffset(); offset++ {
		ports := ShiftedOn(h, offset, nil)
		free := true
		for _, p := range ports {
			free = free && !taken[p]
		}
		if !free {
			continue
		}
		for _, p := range ports {
			taken[p] = true
		}
		offsets = append(offsets, offset)
	}
	return offsets
}
