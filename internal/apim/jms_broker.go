package apim

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/portoffset/terraform-provider-apim/internal/propedit"
)

// JNDIProperties is the JNDI configuration of 2.x, relative to the APIM
// home: the connection factories through which the throttling JMS listener
// reaches the message broker.
const JNDIProperties = "repository/conf/jndi.properties"

// jmsFactories are the connection factories of jndi.properties whose
// brokerlist APIM 2.x ships as tcp://localhost:5672, the instance's own
// broker, which the offset does not move
// (../shared/research/wso2-domain.md §1, the 5672 row).
var jmsFactories = []string{"TopicConnectionFactory", "QueueConnectionFactory"}

// jmsFactoryKey is the key of jndi.properties that holds a factory's
// connection URL.
func jmsFactoryKey(factory string) string { return "connectionfactory." + factory }

// broker is one broker of a brokerlist: where its URL is written, and
// whether its options say ssl='true', which makes the client connect over
// SSL, to the broker's AMQP-over-SSL port (8672 shipped; product-apim#9817
// shows tcp://localhost:8672?ssl='true' in a 2.2.0 jndi.properties).
type broker struct {
	urlAt
	ssl bool
}

// brokerList reads the brokerlist option of a Qpid connection URL,
// amqp://user:password@clientid/virtualhost?brokerlist='tcp://host:port;...'&...:
// each broker, with where its URL is written in url. found is false
// when url is no amqp:// URL with a brokerlist option, a URL the provider
// leaves alone. A brokerlist that is not a list of broker URLs
// (scheme://host:port, each with options name='value' joined by & or %26
// after a '?', separated by ';' or ',') is an error; its message quotes
// nothing of url, whose options may hold passwords.
func brokerList(url string) (brokers []broker, found bool, err error) {
	query := strings.IndexByte(url, '?')
	if !strings.HasPrefix(url, "amqp://") || query < 0 {
		return nil, false, nil
	}
	const option = "brokerlist='"
	start := -1
	for i := query; i < len(url); {
		j := strings.Index(url[i+1:], option)
		if j < 0 {
			break
		}
		at := i + 1 + j
		if c := url[at-1]; c == '?' || c == '&' {
			if start >= 0 {
				return nil, true, errors.New("the brokerlist option is set twice")
			}
			start = at + len(option)
		}
		i = at
	}
	if start < 0 {
		return nil, false, nil
	}
	notList := errors.New("the brokerlist is not a list of broker URLs (scheme://host:port, separated by ';')")
	for i := start; ; {
		u, ok := parseURLAt(url, i, "?;,'")
		if !ok {
			return nil, true, notList
		}
		b := broker{urlAt: u}
		if i = u.end; i < len(url) && url[i] == '?' {
			if i, b.ssl, ok = brokerOptions(url, i+1); !ok {
				return nil, true, notList
			}
		}
		brokers = append(brokers, b)
		switch {
		case i == len(url):
			return nil, true, errors.New("the brokerlist has no closing quote")
		case url[i] == '\'':
			return brokers, true, nil
		case url[i] == ';' || url[i] == ',':
			if i++; i < len(url) && url[i] == '\'' { // a trailing separator
				return brokers, true, nil
			}
		default:
			return nil, true, notList
		}
	}
}

// brokerOptions reads the options of a broker URL that start at i,
// name='value' pairs joined by & or %26: where they end, and whether ssl is
// 'true' (as Java's Boolean.parseBoolean reads it).
func brokerOptions(url string, i int) (end int, ssl, ok bool) {
	for {
		eq := strings.Index(url[i:], "='")
		if eq < 1 || strings.ContainsAny(url[i:i+eq], "';,?&") {
			return 0, false, false
		}
		name := url[i : i+eq]
		i += eq + len("='")
		closing := strings.IndexByte(url[i:], '\'')
		if closing < 0 {
			return 0, false, false
		}
		if name == "ssl" {
			ssl = strings.EqualFold(url[i:i+closing], "true")
		}
		i += closing + 1
		switch {
		case strings.HasPrefix(url[i:], "&"):
			i++
		case strings.HasPrefix(url[i:], "%26"):
			i += len("%26")
		default:
			return i, ssl, true
		}
	}
}

// jmsFactory is a connection factory whose brokerlist the provider keeps in
// step: the brokers on the instance itself with a literal port (onInstance
// indexes brokers).
type jmsFactory struct {
	name       string
	value      propedit.Value
	brokers    []broker
	onInstance []int
}

// brokerText is the URL of broker i as the factory writes it,
// scheme://host:port.
func (f jmsFactory) brokerText(i int) string {
	b := f.brokers[i]
	return f.value.Text[b.start:b.end]
}

// sslOption is how JMSBrokerURLs marks a broker reached over SSL.
const sslOption = "?ssl='true'"

// brokerURL is broker i as JMSBrokerURLs shows it: its URL, with
// sslOption when it connects over SSL.
func (f jmsFactory) brokerURL(i int) string {
	if f.brokers[i].ssl {
		return f.brokerText(i) + sslOption
	}
	return f.brokerText(i)
}

// BrokerPorts are the instance's message broker ports, which the brokers
// on the instance follow: AMQP, and AMQP over SSL for those with
// ssl='true'.
type BrokerPorts struct{ AMQP, AMQPSSL int64 }

// BrokerPortsOf returns the broker ports of an instance that opens ports
// (ShiftedOn).
func BrokerPortsOf(ports map[string]int64) BrokerPorts {
	return BrokerPorts{AMQP: ports["amqp"], AMQPSSL: ports["amqp_ssl"]}
}

// of is the port a broker follows, by whether it connects over SSL.
func (p BrokerPorts) of(ssl bool) int64 {
	if ssl {
		return p.AMQPSSL
	}
	return p.AMQP
}

// managedJMSFactories finds the connection factories the provider keeps in
// step in jndi.properties: those of jmsFactories whose brokerlist names the
// instance itself (localhost, 127.0.0.1 or ${carbon.local.ip}) with a
// literal port, which follows the instance's AMQP port, or its AMQP over
// SSL port where the broker's options say ssl='true'. A factory that is missing, is no Qpid URL with a
// brokerlist, or names only other hosts or a placeholder port
// (${jms.port}) is left alone. A broker on the instance whose port is not
// a number, or whose URL a line continuation splits, is an error, and so
// is a document Java would not load or that sets a factory twice: the
// provider does not guess.
func managedJMSFactories(doc []byte) ([]jmsFactory, error) {
	var managed []jmsFactory
	for _, name := range jmsFactories {
		key := jmsFactoryKey(name)
		v, err := propedit.Find(doc, key)
		if errors.Is(err, propedit.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		brokers, found, err := brokerList(v.Text)
		if err != nil {
			return nil, &ValueError{fmt.Sprintf("%s (line %d): %s; correct it (WSO2 ships brokerlist='tcp://localhost:5672')", key, v.Line, err)}
		}
		if !found {
			continue
		}
		f := jmsFactory{name: name, value: v, brokers: brokers}
		for i, b := range brokers {
			if !b.onInstance() || b.hasPort && b.placeholder(v.Text) {
				continue
			}
			if err := checkBroker(f, i); err != nil {
				return nil, err
			}
			f.onInstance = append(f.onInstance, i)
		}
		if len(f.onInstance) > 0 {
			managed = append(managed, f)
		}
	}
	return managed, nil
}

// checkBroker refuses a broker on the instance whose port the provider
// cannot keep in step: none, not a number, or not written on one line as
// its own characters.
func checkBroker(f jmsFactory, i int) error {
	b, v := f.brokers[i], f.value
	where := fmt.Sprintf("%s (line %d): the broker %s", jmsFactoryKey(f.name), v.Line, f.brokerText(i))
	if !b.hasPort {
		return &ValueError{where + " has no port, so it connects to 5672 whatever the offset; write the port (:5672)"}
	}
	if !b.literalPort(v.Text) {
		return &ValueError{fmt.Sprintf("%s has the port %q, not a number from 1 to %d", where, v.Text[b.portStart:b.end], MaxPort)}
	}
	if first, last := v.Lines(b.start, b.end); first != last {
		return &ValueError{fmt.Sprintf("%s is split over lines %d and %d by a line continuation; write the broker's URL on one line", where, first, last)}
	}
	if _, err := v.Span(b.portStart, b.end); err != nil {
		return &ValueError{where + "'s port is written with an escape; write its digits as they are"}
	}
	return nil
}

// JMSBrokerURLs returns the brokerlists the provider keeps in step in
// jndi.properties, keyed by connection factory (TopicConnectionFactory):
// each broker's scheme://host:port, with ?ssl='true' for one reached over
// SSL, in order, joined by ';'. The other broker options are left out, and
// so is the connection URL around the list: they may hold passwords.
func JMSBrokerURLs(doc []byte) (map[string]string, error) {
	managed, err := managedJMSFactories(doc)
	if err != nil {
		return nil, err
	}
	urls := make(map[string]string, len(managed))
	for _, f := range managed {
		list := make([]string, len(f.brokers))
		for i := range f.brokers {
			list[i] = f.brokerURL(i)
		}
		urls[f.name] = strings.Join(list, ";")
	}
	return urls, nil
}

// PlanJMSBrokerURLs returns urls, a JMSBrokerURLs map, with the port of
// every broker on the instance itself set to the one it follows in ports:
// what SetJMSBrokerURLs makes of them.
func PlanJMSBrokerURLs(urls map[string]string, ports BrokerPorts) map[string]string {
	planned := make(map[string]string, len(urls))
	for factory, list := range urls {
		brokers := strings.Split(list, ";")
		for i, b := range brokers {
			url, ssl := strings.CutSuffix(b, sslOption)
			if url, _ = withInstancePort(url, ports.of(ssl)); ssl {
				url += sslOption
			}
			brokers[i] = url
		}
		planned[factory] = strings.Join(brokers, ";")
	}
	return planned
}

// SetJMSBrokerURLs returns jndi.properties with the port of every broker
// the provider keeps in step set to the one it follows in ports; only the
// port's digits change. When every one is right already, doc itself is
// returned.
func SetJMSBrokerURLs(doc []byte, ports BrokerPorts) ([]byte, error) {
	managed, err := managedJMSFactories(doc)
	if err != nil {
		return nil, err
	}
	for _, f := range managed {
		// From the last broker back, so that the places of those before
		// it in the value's text stay where they were.
		for _, i := range slices.Backward(f.onInstance) {
			b := f.brokers[i]
			digits := strconv.FormatInt(ports.of(b.ssl), 10)
			if doc, err = propedit.ReplaceText(doc, jmsFactoryKey(f.name), b.portStart, b.end, digits); err != nil {
				return nil, err
			}
		}
	}
	return doc, nil
}

// jmsOriginals are the ports of the brokers the provider keeps in step as
// they stood, by factory and by the broker's place in its list. Only the
// ports are kept: the connection URL around them carries the broker's user
// name and password, which have no place in Terraform's state.
type jmsOriginals map[string]map[int]string

func jmsOriginalsOf(doc []byte) (jmsOriginals, error) {
	managed, err := managedJMSFactories(doc)
	if err != nil {
		return nil, err
	}
	origs := jmsOriginals{}
	for _, f := range managed {
		ports := map[int]string{}
		for _, i := range f.onInstance {
			b := f.brokers[i]
			ports[i] = f.value.Text[b.portStart:b.end]
		}
		origs[f.name] = ports
	}
	return origs, nil
}

// restoreJMSBrokers puts back each port origs records, where the broker at
// that place in its factory's list still names the instance itself: one a
// hand edit has since moved to another host, or removed, is no longer the
// provider's, and stays as it is now, and so does one whose port a hand
// edit has emptied or made a placeholder.
func restoreJMSBrokers(doc []byte, origs jmsOriginals) ([]byte, error) {
	for factory, ports := range origs {
		key := jmsFactoryKey(factory)
		v, err := propedit.Find(doc, key)
		if errors.Is(err, propedit.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		brokers, _, err := brokerList(v.Text)
		if err != nil {
			continue
		}
		places := make([]int, 0, len(ports))
		for i := range ports {
			places = append(places, i)
		}
		slices.Sort(places)
		for _, i := range slices.Backward(places) {
			if i >= len(brokers) || !brokers[i].onInstance() || !brokers[i].hasPort || brokers[i].portStart == brokers[i].end || brokers[i].placeholder(v.Text) {
				continue
			}
			b := brokers[i]
			if doc, err = propedit.ReplaceText(doc, key, b.portStart, b.end, ports[i]); err != nil {
				return nil, err
			}
		}
	}
	return doc, nil
}

// JMSBrokers is the brokerlists of jndi.properties as a Setting, for their
// original and its restore.
var JMSBrokers Setting = jmsBrokers{}

type jmsBrokers struct{}

func (jmsBrokers) Name() string { return "jms_broker_originals" }
func (jmsBrokers) File() string { return JNDIProperties }
func (jmsBrokers) Original(doc []byte) (json.RawMessage, error) {
	return originalJSON(doc, jmsOriginalsOf)
}
func (jmsBrokers) Restore(doc []byte, original json.RawMessage) ([]byte, error) {
	return restoreJSON(doc, original, restoreJMSBrokers)
}
func (jmsBrokers) Restores(original json.RawMessage) bool {
	return restoresJSON(original, func(o jmsOriginals) bool { return len(o) > 0 })
}
