package provider

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// plannedInstances holds, for one terraform command, the ports of every
// APIM instance planned on each host, so that two instances whose ports
// meet are refused at plan time, before anything is written. Terraform
// plans resources concurrently and in no set order: each resource checks
// itself against those planned before it, under one lock, so of a
// colliding pair the one planned second is refused, whichever it is. An
// instance is its place and home: a resource planned again (Terraform
// plans a replaced resource twice) replaces its own entry, and the
// apim_instance_ports and apim_websocket_inbound resources of one home
// make up one instance.
type plannedInstances struct {
	mu      sync.Mutex
	byPlace map[string]*plannedPlace
}

// plannedPlace is the instances planned on one host, and which of them
// listens on each port: checking an instance costs a lookup per port it
// opens, not a comparison with every other instance (a plan of hundreds of
// instances on one host checks each under the lock). A port's holders are
// a slice, not a map by home: almost every port has one, and a map for
// each of the thousands of ports of a large plan was a sizeable part of
// the provider's heap.
type plannedPlace struct {
	instances map[string]*plannedInstance // cleaned home → instance
	byPort    map[int64][]portHolder      // port → the instances listening there
}

// portHolder is one instance listening on a port: its home and what
// listens there.
type portHolder struct {
	home     string
	listener apim.Listener
}

// plannedInstance is what the resources of one home planned.
type plannedInstance struct {
	offset    int64
	hasOffset bool
	// ports are apim_instance_ports' listeners (the Hazelcast member port
	// among them when clustering is on).
	ports []apim.Listener
	// endpoints are the apim_websocket_inbound resources' ports, by port
	// name ("websocket", "websocket_secure"): where one is planned it is
	// what the endpoint listens on, whatever the offset would give.
	endpoints map[string]int64
	// recorded is listeners() as last entered in byPort.
	recorded []apim.Listener
}

// listeners is every port the instance will listen on.
func (p *plannedInstance) listeners() []apim.Listener {
	l := make([]apim.Listener, 0, len(p.ports)+len(p.endpoints))
	for _, port := range p.ports {
		if _, ok := p.endpoints[port.Name]; !ok {
			l = append(l, port)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.endpoints)) {
		l = append(l, apim.Listener{Port: p.endpoints[name], Name: name})
	}
	apim.SortListeners(l)
	return l
}

func newPlannedInstances() *plannedInstances {
	return &plannedInstances{byPlace: map[string]*plannedPlace{}}
}

// planPorts records the listeners apim_instance_ports plans for the
// instance at home on place and returns the collision diagnostic when they
// meet another instance's there.
func (p *plannedInstances) planPorts(place, home string, offset int64, ports []apim.Listener) diag.Diagnostics {
	return p.plan(place, home, func(i *plannedInstance) {
		i.offset, i.hasOffset, i.ports = offset, true, ports
	})
}

// planEndpoint records the port an apim_websocket_inbound resource plans
// for the endpoint name ("websocket", "websocket_secure") of the instance
// at home on place, and returns the collision diagnostic as planPorts.
func (p *plannedInstances) planEndpoint(place, home, name string, port int64) diag.Diagnostics {
	return p.plan(place, home, func(i *plannedInstance) {
		if i.endpoints == nil {
			i.endpoints = map[string]int64{}
		}
		i.endpoints[name] = port
	})
}

func (p *plannedInstances) plan(place, home string, record func(*plannedInstance)) diag.Diagnostics {
	p.mu.Lock()
	defer p.mu.Unlock()
	home = path.Clean(home)
	onPlace := p.byPlace[place]
	if onPlace == nil {
		onPlace = &plannedPlace{instances: map[string]*plannedInstance{}, byPort: map[int64][]portHolder{}}
		p.byPlace[place] = onPlace
	}
	this := onPlace.instances[home]
	if this == nil {
		this = &plannedInstance{}
		onPlace.instances[home] = this
	}
	for _, l := range this.recorded {
		onPlace.release(l.Port, home)
	}
	record(this)
	this.recorded = this.listeners()
	shared := map[string][]apim.SharedPort{} // other home → the ports it shares with this one
	for _, l := range this.recorded {
		for _, other := range onPlace.byPort[l.Port] {
			shared[other.home] = append(shared[other.home], apim.SharedPort{Port: l.Port, A: l.Name, B: other.listener.Name})
		}
		onPlace.byPort[l.Port] = append(onPlace.byPort[l.Port], portHolder{home: home, listener: l})
	}
	var diags diag.Diagnostics
	for _, other := range slices.Sorted(maps.Keys(shared)) {
		diags.Append(collisionError(place, home, this, other, onPlace.instances[other], shared[other]))
	}
	return diags
}

// release removes home from the holders of port, and the port when home
// was its last.
func (p *plannedPlace) release(port int64, home string) {
	holders := slices.DeleteFunc(p.byPort[port], func(h portHolder) bool { return h.home == home })
	if len(holders) == 0 {
		delete(p.byPort, port)
		return
	}
	p.byPort[port] = holders
}

// collisionError names both instances, their offsets and every port they
// share, with what listens there on each side. The plugin protocol does
// not tell a provider the address of a resource: Terraform shows this
// resource's with the diagnostic, and the other instance is named by its
// home.
func collisionError(place, home string, this *plannedInstance, otherHome string, other *plannedInstance, shared []apim.SharedPort) diag.Diagnostic {
	host := "the local host"
	if place != "" {
		host = place
	}
	ports := make([]string, len(shared))
	for i, s := range shared {
		ports[i] = fmt.Sprintf("%d (%s of %s, %s of %s)", s.Port, s.A, home, s.B, otherHome)
	}
	return diag.NewErrorDiagnostic("Port Collision Between Instances",
		fmt.Sprintf("On %s, the instance at %s%s and the instance at %s%s, both planned in this configuration, would listen on the same ports: %s. "+
			"The one that starts second fails with \"Address already in use\". Nothing was written.\n\n"+
			"Choose offsets whose ports do not meet: provider::apim::offset_conflicts lists the pairs of offsets that collide, and on which ports. "+
			"Offsets that differ by less than 8 never collide on the ports APIM ships with.%s",
			host, home, offsetPhrase(this), otherHome, offsetPhrase(other), strings.Join(ports, ", "), hazelcastAdvice(shared)))
}

// hazelcastAdvice is what to do when the Hazelcast member port is shared:
// no offset moves it.
func hazelcastAdvice(shared []apim.SharedPort) string {
	for _, s := range shared {
		if s.A == apim.HazelcastMemberName && s.B == apim.HazelcastMemberName {
			return " The Hazelcast member port does not move with the offset: give each clustered instance on one host its own " +
				"(axis2.xml's localMemberPort on 2.x, [clustering] local_member_port in deployment.toml on 3.x and later)."
		}
	}
	return ""
}

func offsetPhrase(i *plannedInstance) string {
	if !i.hasOffset {
		return " (only its apim_websocket_inbound ports planned so far)"
	}
	return fmt.Sprintf(" (offset %d)", i.offset)
}
