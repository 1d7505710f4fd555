package apim

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/portoffset/terraform-provider-apim/internal/tomledit"
	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

// EndpointPort is where a home keeps the port of one WebSocket endpoint and
// how the runtime turns it into the port the endpoint listens on. There are
// two: the endpoint's own XML file, read as it is (2.x; on 3.x and 4.x
// where the file ships static: ws up to 4.0, wss on 3.0), and a
// deployment.toml setting where the config mapper renders the file from a
// template at every start (ws from 4.1, wss from 3.1), the template adding
// [server] offset at runtime.
type EndpointPort interface {
	Setting
	// Listening returns the port the endpoint listens on, from the content
	// of File; instanceOffset is asked for the offset the instance runs
	// at, only where the runtime adds it (ws.use.port.offset is true). The
	// runtime takes that offset from -DportOffset when the instance is
	// started with one, else from the file holding it (carbon.xml on 2.x,
	// deployment.toml's [server] offset on 3.x and later, even where that
	// is File itself).
	Listening(doc []byte, instanceOffset func() (int64, error)) (int64, error)
	// Set returns the content of File with the endpoint made to listen on
	// basePort + offset, never shifted a second time by the runtime; doc
	// itself when it already does. warning, when not "", says what the
	// operator should know about the result.
	Set(doc []byte, basePort, offset int64) (out []byte, warning string, err error)
}

// EndpointPortOf returns where a home keeps e's port. hasDeploymentTOML
// says whether the home has repository/conf/deployment.toml (3.x and
// later, whose config mapper renders the templates); template is the
// content of e.Template(), nil when the home has none. A template whose
// port does not come from e.PortKey, or whose offset flag is not a
// boolean, is an error: the provider edits deployment.toml, never a
// template.
func EndpointPortOf(e Endpoint, hasDeploymentTOML bool, template []byte) (EndpointPort, error) {
	if !hasDeploymentTOML || template == nil {
		return staticEndpointPort{e}, nil
	}
	v, err := xmledit.FindText(template, ParameterPath(PortParam))
	if err != nil {
		return nil, fmt.Errorf("the template %s: %w", e.Template(), err)
	}
	placeholder := "{{" + strings.Join(e.PortKey.Table, ".") + "." + e.PortKey.Name + "}}"
	if strings.ReplaceAll(strings.TrimSpace(v.Text), " ", "") != placeholder {
		return nil, &ValueError{fmt.Sprintf("the template %s renders <parameter name=%q> as %q, not from %s (%s): the provider sets the port in deployment.toml and never edits a template; put %s back in the template",
			e.Template(), PortParam, strings.TrimSpace(v.Text), e.PortKey, placeholder, placeholder)}
	}
	useOffset, err := offsetFlag(template)
	if err != nil {
		return nil, fmt.Errorf("the template %s: %w", e.Template(), err)
	}
	return templatedEndpointPort{e, useOffset}, nil
}

// offsetFlag reads ws.use.port.offset from an endpoint definition: false
// when the parameter is missing, as the runtime reads it.
func offsetFlag(doc []byte) (bool, error) {
	flag, present, err := useOffsetSlot.get(doc)
	if err != nil || !present {
		return false, err
	}
	switch strings.TrimSpace(flag.Text) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, &ValueError{fmt.Sprintf("<parameter name=%q> holds %q, not true or false", UseOffsetParam, flag.Text)}
}

// staticEndpointPort is an endpoint file the runtime reads as it is: it is
// made to state the real port with ws.use.port.offset off.
type staticEndpointPort struct{ e Endpoint }

func (s staticEndpointPort) Name() string { return "inbound_originals" }
func (s staticEndpointPort) File() string { return s.e.File }

func (s staticEndpointPort) Listening(doc []byte, instanceOffset func() (int64, error)) (int64, error) {
	in, err := ReadInbound(doc)
	if err != nil || !in.UseOffset {
		return in.Port, err
	}
	offset, err := instanceOffset()
	if err != nil {
		return 0, err
	}
	return EffectivePort(in.Port, true, offset), nil
}

func (s staticEndpointPort) Set(doc []byte, basePort, offset int64) ([]byte, string, error) {
	out, err := SetInbound(doc, basePort+offset)
	return out, "", err
}

func (s staticEndpointPort) Original(doc []byte) (json.RawMessage, error) {
	return originalJSON(doc, InboundOriginalsOf)
}

func (s staticEndpointPort) Restore(doc []byte, original json.RawMessage) ([]byte, error) {
	return restoreJSON(doc, original, RestoreInbound)
}

// templatedEndpointPort is an endpoint whose file the config mapper renders
// from a template, with the port from a deployment.toml key; where the
// template says ws.use.port.offset=true (every shipped one) the runtime
// adds [server] offset to it.
type templatedEndpointPort struct {
	e         Endpoint
	useOffset bool
}

func (t templatedEndpointPort) Name() string { return "inbound_toml_original" }
func (t templatedEndpointPort) File() string { return DeploymentTOML }

// configured is the port the key sets, the shipped default when absent.
func (t templatedEndpointPort) configured(doc []byte) (int64, error) {
	v, err := tomledit.Find(doc, t.e.PortKey)
	if errors.Is(err, tomledit.ErrNotFound) {
		return t.e.BasePort, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := v.WholeNumber(MaxPort)
	if err == nil && n == 0 {
		err = &ValueError{fmt.Sprintf("%s is 0, not a port", t.e.PortKey)}
	}
	return n, err
}

// shift is what the runtime adds to the configured port.
func (t templatedEndpointPort) shift(doc []byte) (int64, error) {
	if !t.useOffset {
		return 0, nil
	}
	return ReadTOMLOffset(doc)
}

func (t templatedEndpointPort) Listening(doc []byte, instanceOffset func() (int64, error)) (int64, error) {
	port, err := t.configured(doc)
	if err != nil || !t.useOffset {
		return port, err
	}
	offset, err := instanceOffset()
	return port + offset, err
}

// Set writes the port less the offset the runtime adds, so the endpoint
// listens on basePort + offset and is never shifted twice; an absent key
// that already gives that port is left absent.
func (t templatedEndpointPort) Set(doc []byte, basePort, offset int64) ([]byte, string, error) {
	port := basePort + offset
	cur, err := t.configured(doc)
	if err != nil {
		return nil, "", err
	}
	shift, err := t.shift(doc)
	if err != nil {
		return nil, "", err
	}
	want := port - shift
	if want < 1 {
		return nil, "", &ValueError{fmt.Sprintf("the endpoint cannot listen on %d: the runtime adds [server] offset %d to %s, which would have to be %d", port, shift, t.e.PortKey, want)}
	}
	var warning string
	if t.useOffset && shift != offset {
		warning = fmt.Sprintf("%s is set to %d so that the endpoint listens on %d while [server] offset is %d: the runtime adds that offset, so the endpoint moves whenever it changes. Give this resource the offset apim_instance_ports sets (refer to its offset attribute, so that it is applied first).", t.e.PortKey, want, port, shift)
	}
	if cur == want {
		return doc, warning, nil
	}
	out, err := tomledit.SetNumber(doc, t.e.PortKey, want)
	return out, warning, err
}

func (t templatedEndpointPort) Original(doc []byte) (json.RawMessage, error) {
	return originalJSON(doc, func(doc []byte) (tomledit.Original, error) { return tomledit.OriginalOf(doc, t.e.PortKey) })
}

func (t templatedEndpointPort) Restore(doc []byte, original json.RawMessage) ([]byte, error) {
	return restoreJSON(doc, original, func(doc []byte, o tomledit.Original) ([]byte, error) { return tomledit.Restore(doc, t.e.PortKey, o) })
}
