package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// host is one SSH host: a real sshd on its own loopback address, as in the
// SSH tests, with a directory the login user owns for the APIM homes.
type host struct {
	srv      *sshtest.Server
	user     string
	uid, gid int
	root     string
	// proxies are the latency proxies in front of srv, by RTT in
	// milliseconds (latency.go); none for RTT 0, which goes to srv.
	proxies map[int]*toxiproxy.Proxy
}

// sshAccess is what every client needs to log in to the hosts.
type sshAccess struct {
	keyFile        string
	knownHostsFile string
}

// startHosts starts n sshd servers accepting one new key for the
// unprivileged test login user, and for each RTT above 0 a latency proxy in
// front of each; known_hosts has every address a client may dial.
func startHosts(r *runner, n int, rtts []int) ([]*host, sshAccess) {
	users := sshtest.EnsureUsers(r)
	key := sshtest.NewKey(r)
	dir := r.TempDir()
	access := sshAccess{
		keyFile:        filepath.Join(dir, "id_ed25519"),
		knownHostsFile: filepath.Join(dir, "known_hosts"),
	}
	r.check(os.WriteFile(access.keyFile, []byte(key.PEM(r)), 0o600), "writing the key")

	var hosts []*host
	var knownHosts []string
	for range n {
		srv := sshtest.Start(r, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
		h := &host{
			srv:     srv,
			user:    users.Login.Name,
			uid:     users.Login.UID,
			gid:     users.Login.GID,
			root:    sshtest.OwnedTempDir(r, users.Login),
			proxies: map[int]*toxiproxy.Proxy{},
		}
		hosts = append(hosts, h)
		addrs := []string{srv.Addr()}
		for _, rtt := range rtts {
			if rtt == 0 {
				continue
			}
			p, err := startLatencyProxy(srv.Host(), srv.Addr(), time.Duration(rtt)*time.Millisecond)
			r.check(err, "starting the latency proxies")
			r.Cleanup(p.Stop)
			got, err := configuredRTT(p)
			r.check(err, "checking the latency proxy")
			if got != time.Duration(rtt)*time.Millisecond {
				r.Fatalf("bench: the latency proxy for %s adds %v, want %d ms", srv.Addr(), got, rtt)
			}
			h.proxies[rtt] = p
			addrs = append(addrs, p.Listen)
		}
		// The proxies present sshd's own host key, so it is known under
		// every address.
		knownHosts = append(knownHosts, knownhosts.Line(addrs, srv.HostPublicKey))
	}
	r.check(os.WriteFile(access.knownHostsFile, []byte(strings.Join(knownHosts, "\n")+"\n"), 0o600), "writing known_hosts")
	return hosts, access
}

// sshArgs are OpenSSH client options that verify the host key and use only
// the benchmark's key, for Ansible and for the raw-SSH side.
func (a sshAccess) sshArgs() []string {
	return []string{
		"-o", "BatchMode=yes",
		"-o", "IdentitiesOnly=yes",
		"-o", "IdentityFile=" + a.keyFile,
		"-o", "UserKnownHostsFile=" + a.knownHostsFile,
		"-o", "StrictHostKeyChecking=yes",
		"-o", "LogLevel=ERROR",
	}
}

func (h *host) target() string { return h.user + "@" + h.srv.Host() }

// dialPort is the port clients dial to reach h at rtt milliseconds: the
// latency proxy's, or sshd's own for 0. The proxies listen on sshd's
// address, so the host part is always h.srv.Host().
func (h *host) dialPort(rtt int) int {
	if p, ok := h.proxies[rtt]; ok {
		_, port, _ := net.SplitHostPort(p.Listen)
		n, _ := strconv.Atoi(port)
		return n
	}
	if rtt != 0 {
		panic(fmt.Sprintf("bench: no latency proxy for %d ms in front of %s", rtt, h.srv.Addr()))
	}
	return h.srv.Port()
}

// hostCounters are the hosts' login counts at one moment.
type hostCounters struct {
	logins []int
}

// settle waits until every connection to the hosts has ended (so all the
// work a command gave them is done) and reads the counters.
func settle(hosts []*host) (hostCounters, error) {
	var c hostCounters
	deadline := time.Now().Add(10 * time.Second)
	for _, h := range hosts {
		for len(h.srv.SessionPIDs()) > 0 {
			if time.Now().After(deadline) {
				return c, fmt.Errorf("%s: connections still open 10 s after the command ended", h.srv.Addr())
			}
			time.Sleep(10 * time.Millisecond)
		}
		c.logins = append(c.logins, h.srv.CountAccepted())
	}
	return c, nil
}

// killControlMasters ends the OpenSSH control masters whose sockets are
// dir/cp-*: Ansible leaves its masters running after a playbook, and the
// next command must log in afresh as Terraform does.
func killControlMasters(dir string) {
	_ = exec.Command("pkill", "-f", dir+"/cp-").Run()
}
