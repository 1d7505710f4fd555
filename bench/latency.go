package main

import (
	"fmt"
	"net"
	"strings"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/Shopify/toxiproxy/v2/toxics"
	"github.com/rs/zerolog"
)

// The latency proxies (-rtt): for each round-trip time above 0, one
// toxiproxy proxy in front of each sshd, in this process, with a latency
// toxic on each direction, so that every byte a client sends waits about
// half the round trip before it reaches sshd and every byte sshd sends
// waits the other half. Each proxy listens on its sshd's loopback address,
// on a port of its own, so a client reaches a given RTT by the port it
// dials, and known_hosts names every such address with the sshd's key.

// proxyServer is the toxiproxy server the proxies belong to: only its
// bookkeeping is used, never its HTTP API.
var proxyServer = toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())

// halves splits a round trip into its upstream (client to server) and
// downstream latency in whole milliseconds, the toxic's unit: an odd RTT
// gets the extra millisecond downstream, so the two always add up to it.
func halves(rtt time.Duration) (up, down int64) {
	ms := rtt.Milliseconds()
	return ms / 2, ms - ms/2
}

// startLatencyProxy starts a proxy on listenHost (a free port) forwarding
// to upstream with rtt of latency in all.
func startLatencyProxy(listenHost, upstream string, rtt time.Duration) (*toxiproxy.Proxy, error) {
	name := fmt.Sprintf("%s-rtt%dms", upstream, rtt.Milliseconds())
	p := toxiproxy.NewProxy(proxyServer, name, net.JoinHostPort(listenHost, "0"), upstream)
	if err := p.Start(); err != nil {
		return nil, fmt.Errorf("latency proxy for %s: %w", upstream, err)
	}
	up, down := halves(rtt)
	for _, t := range []struct {
		stream string
		ms     int64
	}{{"upstream", up}, {"downstream", down}} {
		toxic := fmt.Sprintf(`{"name": %q, "type": "latency", "stream": %q, "toxicity": 1.0, "attributes": {"latency": %d, "jitter": 0}}`,
			latencyToxicName(t.stream), t.stream, t.ms)
		if _, err := p.Toxics.AddToxicJson(strings.NewReader(toxic)); err != nil {
			p.Stop()
			return nil, fmt.Errorf("latency toxic %s for %s: %w", t.stream, upstream, err)
		}
	}
	return p, nil
}

func latencyToxicName(stream string) string { return "latency_" + stream }

// configuredRTT is the round trip p's toxics add, read back from toxiproxy
// (a check that the proxy is set up as asked).
func configuredRTT(p *toxiproxy.Proxy) (time.Duration, error) {
	var total int64
	for _, stream := range []string{"upstream", "downstream"} {
		w := p.Toxics.GetToxic(latencyToxicName(stream))
		if w == nil {
			return 0, fmt.Errorf("%s: no %s latency toxic", p.Name, stream)
		}
		lt, ok := w.Toxic.(*toxics.LatencyToxic)
		if !ok || w.Stream != stream || w.Toxicity != 1 || lt.Jitter != 0 {
			return 0, fmt.Errorf("%s: the %s toxic is %s on %s, toxicity %g", p.Name, stream, w.Type, w.Stream, w.Toxicity)
		}
		total += lt.Latency
	}
	return time.Duration(total) * time.Millisecond, nil
}
