package target

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// hostKeyPolicy decides whether the key a host presents is the right one.
// Exactly one source of truth applies: pinned keys/CAs (host_key), a
// known_hosts file, or nothing (insecure_ignore_host_key). A refused key
// fails the handshake before authentication, so nothing is read or written
// and no credential is sent to an impostor.
type hostKeyPolicy struct {
	insecure   bool
	pinned     []ssh.PublicKey // host_key plain keys
	cas        []ssh.PublicKey // host_key "@cert-authority" keys
	knownHosts string          // used when nothing is pinned
}

func newHostKeyPolicy(cfg *SSHConfig) (*hostKeyPolicy, error) {
	p := &hostKeyPolicy{insecure: cfg.InsecureIgnoreHostKey}
	if p.insecure {
		return p, nil
	}
	if strings.TrimSpace(cfg.HostKey) == "" {
		p.knownHosts = cfg.KnownHostsFile
		return p, nil
	}
	for i, line := range strings.Split(cfg.HostKey, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ca := false
		if rest, ok := strings.CutPrefix(line, "@cert-authority"); ok {
			ca, line = true, strings.TrimSpace(rest)
		}
		key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("host_key line %d is not a public key: %w", i+1, err)
		}
		if ca {
			p.cas = append(p.cas, key)
		} else {
			p.pinned = append(p.pinned, key)
		}
	}
	if len(p.pinned)+len(p.cas) == 0 {
		return nil, errors.New("host_key holds no public key")
	}
	return p, nil
}

// hostKeyCheck is the callback for one handshake plus the host key
// algorithms to offer.
//
// The algorithms matter: a server with several host keys presents the one
// whose type comes first in the client's list, and x/crypto's default order
// prefers ECDSA over Ed25519. A known_hosts holding only the host's Ed25519
// key (what ssh-keyscan and recent OpenSSH clients record) would then see an
// ECDSA key and report it as changed (golang/go#29286). Like OpenSSH, offer
// the types on record first and the rest after, so a host that really lost
// its recorded key still fails as "changed" rather than with "no common
// algorithm".
func (p *hostKeyPolicy) hostKeyCheck(addr string) (ssh.HostKeyCallback, []string, error) {
	if p.insecure {
		return ssh.InsecureIgnoreHostKey(), nil, nil
	}
	if p.knownHosts == "" {
		return p.pinnedCallback, algorithmsFirst(p.pinned), nil
	}

	db, err := knownhosts.New(p.knownHosts)
	if errors.Is(err, fs.ErrNotExist) {
		db, err = knownhosts.New() // a missing file knows no host
	}
	if err != nil {
		return nil, nil, fmt.Errorf("known_hosts_file: %w", err)
	}
	caLines, err := certAuthorityLines(p.knownHosts)
	if err != nil {
		return nil, nil, fmt.Errorf("known_hosts_file: %w", err)
	}
	cb := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := db(hostname, remote, key)
		if err == nil {
			return nil
		}
		return p.refuse(hostname, key, err, caLines)
	}
	return withPlainFallback(cb), algorithmsFirst(recordedKeys(db, addr, caLines)), nil
}

// certAuthorityLines returns the numbers of the "@cert-authority" lines of a
// known_hosts file. knownhosts reports the keys on record for a host
// (KeyError.Want) with CA keys mixed in, marked only by file and line; a CA
// key is not a host key the host could present, so it must not steer
// algorithm negotiation or be reported as "the key on record".
func certAuthorityLines(file string) (map[int]bool, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	lines := map[int]bool{}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "@cert-authority") {
			lines[i+1] = true
		}
	}
	return lines, nil
}

// plainKnownKeys drops the CA entries from a KeyError's Want.
func plainKnownKeys(ke *knownhosts.KeyError, caLines map[int]bool) []knownhosts.KnownKey {
	var keys []knownhosts.KnownKey
	for _, k := range ke.Want {
		if !caLines[k.Line] {
			keys = append(keys, k)
		}
	}
	return keys
}

// recordedKeys lists the plain keys known_hosts holds for addr. knownhosts
// has no lookup function; checking a key that can match nothing returns a
// KeyError listing every key on record for the host.
func recordedKeys(db ssh.HostKeyCallback, addr string, caLines map[int]bool) []ssh.PublicKey {
	err := db(addr, &net.TCPAddr{IP: net.IPv4zero}, probeKey{})
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) {
		return nil
	}
	var keys []ssh.PublicKey
	for _, k := range plainKnownKeys(ke, caLines) {
		keys = append(keys, k.Key)
	}
	return keys
}

// probeKey is a public key equal to no real key.
type probeKey struct{}

func (probeKey) Type() string                            { return "apim-probe" }
func (probeKey) Marshal() []byte                         { return []byte("apim-probe") }
func (probeKey) Verify(_ []byte, _ *ssh.Signature) error { return errors.New("probe key") }

// algorithmsFirst returns the host key algorithms for keys' types first,
// then every other supported one.
func algorithmsFirst(keys []ssh.PublicKey) []string {
	if len(keys) == 0 {
		return nil // x/crypto's default order, which prefers certificates
	}
	var algos []string
	for _, k := range keys {
		for _, a := range algorithmsFor(k.Type()) {
			if !slices.Contains(algos, a) {
				algos = append(algos, a)
			}
		}
	}
	for _, a := range ssh.SupportedAlgorithms().HostKeys {
		if !slices.Contains(algos, a) {
			algos = append(algos, a)
		}
	}
	return algos
}

func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}
	}
	return []string{keyType}
}

// pinnedCallback checks against host_key: a plain key must be one of the
// pinned keys, a certificate must be signed by a pinned CA for this host
// name. Anything else contradicts what the user pinned, so it is "changed".
func (p *hostKeyPolicy) pinnedCallback(hostname string, remote net.Addr, key ssh.PublicKey) error {
	if cert, ok := key.(*ssh.Certificate); ok && len(p.cas) > 0 {
		checker := &ssh.CertChecker{
			IsHostAuthority: func(auth ssh.PublicKey, _ string) bool { return containsKey(p.cas, auth) },
		}
		certErr := checker.CheckHostKey(hostname, remote, cert)
		if certErr == nil || containsKey(p.pinned, cert.Key) {
			return nil
		}
		return &connError{kind: ErrHostKeyChanged, detail: fmt.Sprintf(
			"%s presented a certificate for %s that host_key does not accept (%v); "+
				"if the host was legitimately re-keyed, update host_key",
			hostname, describeKey(cert.Key), certErr)}
	}
	plain := key
	if cert, ok := key.(*ssh.Certificate); ok {
		plain = cert.Key
	}
	if containsKey(p.pinned, plain) {
		return nil
	}
	return &connError{kind: ErrHostKeyChanged, detail: fmt.Sprintf(
		"%s presented %s, which does not match host_key; someone may be intercepting the connection, "+
			"or the host was re-keyed: compare with the host's /etc/ssh/ssh_host_*_key.pub and update host_key",
		hostname, describeKey(plain))}
}

// withPlainFallback accepts a host certificate whose CA is not trusted when
// its plain key is on record, as OpenSSH does: a host gaining a certificate
// must not break clients that knew its key.
func withPlainFallback(cb ssh.HostKeyCallback) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := cb(hostname, remote, key)
		cert, ok := key.(*ssh.Certificate)
		if err == nil || !ok {
			return err
		}
		return cb(hostname, remote, cert.Key)
	}
}

// refuse turns a knownhosts verdict into an error saying which key was seen,
// what is on record, and what to do.
func (p *hostKeyPolicy) refuse(hostname string, key ssh.PublicKey, err error, caLines map[int]bool) error {
	host, port, _ := net.SplitHostPort(hostname)
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	var known []knownhosts.KnownKey
	if errors.As(err, &ke) {
		known = plainKnownKeys(ke, caLines)
	}
	switch {
	case errors.As(err, &re):
		return &connError{kind: ErrHostKeyChanged, detail: fmt.Sprintf(
			"%s presented %s, which %s:%d marks @revoked", hostname, describeKey(key), re.Revoked.Filename, re.Revoked.Line)}
	case len(known) > 0:
		var want []string
		for _, k := range known {
			want = append(want, fmt.Sprintf("%s (%s:%d)", describeKey(k.Key), k.Filename, k.Line))
		}
		return &connError{kind: ErrHostKeyChanged, detail: fmt.Sprintf(
			"%s presented %s, but known_hosts_file has %s for it; someone may be intercepting the connection, "+
				"or the host was re-keyed: if you have verified the new key, remove the old entry with "+
				"\"ssh-keygen -R %s -f %s\" and add the new one",
			hostname, describeKey(key), strings.Join(want, ", "), shellQuote(knownhosts.Normalize(hostname)), p.knownHosts)}
	case errors.As(err, &ke):
		return &connError{kind: ErrHostKeyUnknown, detail: fmt.Sprintf(
			"%s presented %s, which is not in %s; after checking that fingerprint with the host's administrator, "+
				"add the key with \"ssh-keyscan -p %s %s >> %s\", or pin it with host_key",
			hostname, describeKey(key), p.knownHosts, port, host, p.knownHosts)}
	default:
		// A certificate the file's CAs do not vouch for (and whose plain
		// key is not on record either): as unknown as a plain key.
		return &connError{kind: ErrHostKeyUnknown, detail: fmt.Sprintf(
			"%s presented %s: %v; add the host's key to %s or pin it with host_key",
			hostname, describeKey(key), err, p.knownHosts)}
	}
}

// describeKey is "ssh-ed25519 key SHA256:…", the way ssh(1) shows keys.
func describeKey(k ssh.PublicKey) string {
	if cert, ok := k.(*ssh.Certificate); ok {
		return fmt.Sprintf("a %s certificate for key %s", cert.Key.Type(), ssh.FingerprintSHA256(cert.Key))
	}
	return fmt.Sprintf("%s key %s", k.Type(), ssh.FingerprintSHA256(k))
}

func containsKey(keys []ssh.PublicKey, k ssh.PublicKey) bool {
	b := k.Marshal()
	return slices.ContainsFunc(keys, func(x ssh.PublicKey) bool { return bytes.Equal(x.Marshal(), b) })
}

// shellQuote quotes s as one word for a POSIX shell, for a command the
// user is advised to run.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
