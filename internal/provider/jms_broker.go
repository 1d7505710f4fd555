package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// The JMS brokerlists of jndi.properties (apim.JMSBrokers), as
// apim_instance_ports keeps them in step on 2.x: their ports follow
// ports.amqp (ports.amqp_ssl with ssl='true'), their originals in private
// state under the setting's name.

func manageJMSBrokerURLsAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(true),
		MarkdownDescription: "Whether to keep the port of every broker of the `TopicConnectionFactory` and `QueueConnectionFactory` brokerlists in `" + apim.JNDIProperties + "` that names the instance itself equal to `ports.amqp`, or `ports.amqp_ssl` for a broker with the option `ssl='true'` (default: `true`; `true` or `false`). " +
			"APIM 2.x ships both as `amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:5672'` and the offset does not move them, so the throttling JMS listener would connect to the broker of whichever instance runs at offset 0, or to none. " +
			"Only the port's digits of a broker whose host is `localhost`, `127.0.0.1` or `${carbon.local.ip}` change; a broker naming another host (a traffic manager), a placeholder port, a factory of another form and a missing file are left alone. A broker on the instance whose port is not a number, or whose URL a line continuation splits, is an error naming the file and the line, and the file is left unchanged. " +
			"On APIM 3.x and 4.x the runtime renders jndi.properties from a template at start, from deployment.toml, so the file is left alone there. Turning it to `false` puts the ports back as they were first found.",
	}
}

func jmsBrokerURLsAttribute() schema.MapAttribute {
	return schema.MapAttribute{
		Computed:    true,
		ElementType: types.StringType,
		MarkdownDescription: "The brokerlists `manage_jms_broker_urls` keeps in step, keyed by connection factory (`TopicConnectionFactory`, `QueueConnectionFactory`): each broker's `scheme://host:port` (with `?ssl='true'` for one reached over SSL) in order, joined by `;`, such as `tcp://localhost:5682` at offset 10. " +
			"The other broker options and the connection URL around the list are left out: they may carry passwords, and the URL carries the broker's user name and password. Known at plan time whenever the home can be read then; empty when no factory is kept in step; null when `manage_jms_broker_urls` is `false`, the home is APIM 3.x or 4.x, or it has no jndi.properties.",
	}
}

// jmsBrokerURLsValue is the jms_broker_urls attribute: urls, null when nil
// (not managed, or no file).
func jmsBrokerURLsValue(urls map[string]string) types.Map {
	if urls == nil {
		return types.MapNull(types.StringType)
	}
	elems := make(map[string]attr.Value, len(urls))
	for factory, url := range urls {
		elems[factory] = types.StringValue(url)
	}
	return types.MapValueMust(types.StringType, elems)
}

// planJMSBrokerURLs is jms_broker_urls after apply, brokers being the
// instance's broker ports: from the URLs Read found when they were managed
// before; else from jndi.properties as the plan read it with the home (a
// new resource) or reads it now (manage_jms_broker_urls just turned on),
// as planWorkflowURL does. Unknown when the file cannot be read now; a
// file the provider refuses is a diagnostic now, before anything is
// written.
func (r *instancePortsResource) planJMSBrokerURLs(ctx context.Context, plan instancePortsModel, state *instancePortsModel, placeKnown bool, found homeRead, brokers apim.BrokerPorts) (types.Map, diag.Diagnostics) {
	unknown, null := types.MapUnknown(types.StringType), types.MapNull(types.StringType)
	switch {
	case plan.ManageJMSBrokerURLs.IsUnknown():
		return unknown, nil
	case !plan.ManageJMSBrokerURLs.ValueBool() || found.home.Generation != apim.Carbon2:
		return null, nil
	case state != nil && state.ManageJMSBrokerURLs.ValueBool():
		if state.JMSBrokerURLs.IsNull() || state.JMSBrokerURLs.IsUnknown() {
			return null, nil
		}
		var urls map[string]string
		if diags := state.JMSBrokerURLs.ElementsAs(ctx, &urls, false); diags.HasError() {
			return unknown, nil
		}
		return jmsBrokerURLsValue(apim.PlanJMSBrokerURLs(urls, brokers)), nil
	}
	f, t, known := r.planRead(ctx, plan, placeKnown, found, found.jndi, apim.JNDIProperties)
	switch {
	case !known:
		return unknown, nil
	case isNotExist(f.err):
		return null, nil
	case f.err != nil:
		// Apply reports the error with its full diagnostic.
		return unknown, nil
	}
	urls, err := apim.JMSBrokerURLs(f.doc)
	if err != nil {
		return unknown, diag.Diagnostics{urlFileError("Cannot Set the JMS Broker Port", t, filePath(plan.APIMHome.ValueString(), apim.JNDIProperties), err, "manage_jms_broker_urls")}
	}
	return jmsBrokerURLsValue(apim.PlanJMSBrokerURLs(urls, brokers)), nil
}

// applyJMSBrokerURLs sets the ports of the brokerlists of jndi.properties
// to brokers, the instance's broker ports, recording their originals first, and
// returns jms_broker_urls; when manage_jms_broker_urls has just been turned
// off, it puts them back as first found.
func applyJMSBrokerURLs(ctx context.Context, t target.Target, home string, plan, state *instancePortsModel, private privateState, brokers apim.BrokerPorts) (types.Map, diag.Diagnostics) {
	file := filePath(home, apim.JNDIProperties)
	if !plan.ManageJMSBrokerURLs.ValueBool() {
		if state != nil && state.ManageJMSBrokerURLs.ValueBool() {
			return types.MapNull(types.StringType), restoreJMSBrokerURLs(ctx, t, file, private)
		}
		return types.MapNull(types.StringType), nil
	}
	var urls map[string]string
	err := editFile(ctx, t, file, func(doc []byte) ([]byte, error) {
		if err := recordSetting(ctx, private, apim.JMSBrokers, doc); err != nil {
			return nil, err
		}
		out, err := apim.SetJMSBrokerURLs(doc, brokers)
		if err != nil {
			return nil, err
		}
		urls, err = apim.JMSBrokerURLs(out)
		return out, err
	})
	switch {
	case isNotExist(err):
		return types.MapNull(types.StringType), nil
	case err != nil:
		return types.MapNull(types.StringType), diag.Diagnostics{urlFileError("Cannot Set the JMS Broker Port", t, file, err, "manage_jms_broker_urls")}
	}
	return jmsBrokerURLsValue(urls), nil
}

// readJMSBrokerURLs is jms_broker_urls as the home's jndi.properties holds
// them, recording their originals when none are kept yet (the first Read
// after an import).
func readJMSBrokerURLs(ctx context.Context, t target.Target, home string, private privateState, manage types.Bool, found homeRead) (types.Map, diag.Diagnostics) {
	if !manage.ValueBool() || found.home.Generation != apim.Carbon2 {
		return types.MapNull(types.StringType), nil
	}
	err := found.jndi.err
	if err == nil {
		err = recordSetting(ctx, private, apim.JMSBrokers, found.jndi.doc)
	}
	var urls map[string]string
	if err == nil {
		urls, err = apim.JMSBrokerURLs(found.jndi.doc)
	}
	switch {
	case isNotExist(err):
		return types.MapNull(types.StringType), nil
	case err != nil:
		return types.MapNull(types.StringType), diag.Diagnostics{urlFileError("Cannot Read the JMS Broker URLs", t, filePath(home, apim.JNDIProperties), err, "manage_jms_broker_urls")}
	}
	return jmsBrokerURLsValue(urls), nil
}

// restoreJMSBrokerURLs puts the brokerlists' ports back as first found.
func restoreJMSBrokerURLs(ctx context.Context, t target.Target, file string, private privateState) diag.Diagnostics {
	return restoreSetting(ctx, t, private, file, apim.JMSBrokers, "Cannot Restore the JMS Broker Ports", isNotExist)
}
