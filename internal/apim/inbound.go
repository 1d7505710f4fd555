package apim

import (
	"fmt"
	"strconv"
)

var (
	portSlot      = textSlot{parent: ParametersPath, child: Parameter(PortParam)}
	useOffsetSlot = textSlot{parent: ParametersPath, child: Parameter(UseOffsetParam), insertable: true}
)

// Inbound is what an inbound endpoint file says about its port.
type Inbound struct {
	// Port is inbound.ws.port.
	Port int64
	// UseOffset is ws.use.port.offset; a missing parameter is false to the
	// runtime.
	UseOffset bool
}

// InboundOriginals are an endpoint file's managed values before the
// provider first changed them.
type InboundOriginals struct {
	Port      Original `json:"port"`
	UseOffset Original `json:"use_offset"`
}

// ReadInbound returns the port settings of an inbound endpoint file.
func ReadInbound(doc []byte) (Inbound, error) {
	v, _, err := portSlot.get(doc)
	if err != nil {
		return Inbound{}, err
	}
	port, err := parseWhole(fmt.Sprintf("<parameter name=%q>", PortParam), v.Text, MaxPort)
	if err != nil {
		return Inbound{}, err
	}
	useOffset, err := offsetFlag(doc)
	if err != nil {
		return Inbound{}, err
	}
	return Inbound{Port: port, UseOffset: useOffset}, nil
}

// SetInbound returns an inbound endpoint file that states the real port:
// inbound.ws.port = port and ws.use.port.offset = false (added when missing),
// so no runtime version adds the carbon.xml offset a second time.
func SetInbound(doc []byte, port int64) ([]byte, error) {
	if _, err := ReadInbound(doc); err != nil {
		return nil, err
	}
	out, err := portSlot.set(doc, strconv.FormatInt(port, 10))
	if err != nil {
		return nil, err
	}
	return useOffsetSlot.set(out, "false")
}

// InboundOriginalsOf records the managed values as they stand in doc.
func InboundOriginalsOf(doc []byte) (InboundOriginals, error) {
	port, err := portSlot.original(doc)
	if err != nil {
		return InboundOriginals{}, err
	}
	flag, err := useOffsetSlot.original(doc)
	return InboundOriginals{Port: port, UseOffset: flag}, err
}

// RestoreInbound puts both managed values back as orig records them.
func RestoreInbound(doc []byte, orig InboundOriginals) ([]byte, error) {
	out, err := useOffsetSlot.restore(doc, orig.UseOffset)
	if err != nil {
		return nil, err
	}
	return portSlot.restore(out, orig.Port)
}
