package target

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// SSHConfig says how to reach one host over SSH. Field names follow
// Terraform's own connection block (host, port, user, private_key,
// certificate, host_key, agent, bastion_*), which users already know; the
// defaults do not: host keys are verified unless InsecureIgnoreHostKey says
// otherwise.
type SSHConfig struct {
	Host string
	Port int    // 0 means 22
	User string // "" means the name of the local user running the provider

	// PrivateKey is a PEM (OpenSSH, PKCS#1, PKCS#8) private key;
	// PrivateKeyPath names a file holding one. PrivateKeyPassphrase decrypts
	// either when it is protected.
	PrivateKey, PrivateKeyPath, PrivateKeyPassphrase string
	// Password is offered as "password" and answered to every
	// "keyboard-interactive" prompt, which is how servers using PAM ask.
	Password string
	// Agent: nil uses the agent at SSH_AUTH_SOCK when that variable is set,
	// alongside the other methods; true requires it; false never uses it.
	Agent *bool

	// Certificate (or CertificatePath) is an OpenSSH user certificate
	// ("ssh-ed25519-cert-v01@openssh.com AAAA...") for the private key; with
	// it the key is offered only as that certificate.
	Certificate, CertificatePath string

	// HostKey pins the host's identity instead of a known_hosts file: one or
	// more lines, each an authorized_keys-format public key the host may
	// present, or "@cert-authority <key>" for a CA whose host certificates
	// are accepted.
	HostKey string
	// KnownHostsFile is checked when HostKey is empty; "" means
	// ~/.ssh/known_hosts. A missing file knows no host.
	KnownHostsFile string
	// InsecureIgnoreHostKey accepts any host key. For throwaway test hosts.
	InsecureIgnoreHostKey bool

	// Bastion is a jump host: the connection to Host is tunnelled through it
	// (direct-tcpip). The caller fills its unset fields from the outer
	// config; its authentication and host-key fields work as above and are
	// checked against the bastion itself. Its Bastion, Sudo and Timeout are
	// not used (one hop; the outer Timeout covers the whole dial).
	Bastion *SSHConfig

	// Sudo runs every file operation as root through "sudo -n", for a login
	// user that cannot write the files itself. Without it the same scripts
	// run as the login user.
	Sudo bool

	// Timeout bounds dialing plus the SSH handshake, and each file operation.
	// 0 means 30s.
	Timeout time.Duration
}

const (
	defaultSSHPort    = 22
	defaultSSHTimeout = 30 * time.Second
)

// normalized returns a copy with defaults filled in, so every later step
// (pool key, String, dialing) sees one spelling of the same config.
func (c SSHConfig) normalized() (SSHConfig, error) {
	if c.Host == "" {
		return c, errors.New("ssh: host is empty")
	}
	if c.Port == 0 {
		c.Port = defaultSSHPort
	}
	if c.Port < 0 || c.Port > 65535 {
		return c, fmt.Errorf("ssh: port %d is out of range", c.Port)
	}
	if c.User == "" {
		u, err := localUserName()
		if err != nil {
			return c, err
		}
		c.User = u
	}
	if c.Timeout <= 0 {
		c.Timeout = defaultSSHTimeout
	}
	var err error
	if c.PrivateKeyPath, err = expandHome(c.PrivateKeyPath); err != nil {
		return c, err
	}
	if c.CertificatePath, err = expandHome(c.CertificatePath); err != nil {
		return c, err
	}
	if c.KnownHostsFile == "" && c.HostKey == "" && !c.InsecureIgnoreHostKey {
		c.KnownHostsFile = "~/.ssh/known_hosts"
	}
	if c.KnownHostsFile, err = expandHome(c.KnownHostsFile); err != nil {
		return c, err
	}
	if c.Bastion != nil {
		b := *c.Bastion
		if b.Bastion != nil {
			return c, errors.New("ssh: a bastion cannot have a bastion of its own")
		}
		b.Sudo = false
		b.Timeout = c.Timeout
		if b, err = b.normalized(); err != nil {
			return c, fmt.Errorf("bastion: %w", err)
		}
		c.Bastion = &b
	}
	return c, nil
}

// addr is "host:port" as dialed and as checked against known_hosts.
func (c *SSHConfig) addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// display is "user@host:port", the name every diagnostic uses.
func (c *SSHConfig) display() string {
	return c.User + "@" + c.addr()
}

// poolKey identifies a connection. It covers every field that changes what
// the connection is or how it was verified, not just user@host:port: two
// resources naming the same host with different host-key settings or
// credentials must not share a connection, or the stricter one would ride on
// a connection the laxer one verified. Secrets enter only as a hash.
func (c *SSHConfig) poolKey(agentSock string) string {
	h := sha256.New()
	for _, s := range []string{c.PrivateKey, c.PrivateKeyPassphrase, c.Password, c.Certificate} {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	agent := "auto"
	if c.Agent != nil {
		agent = strconv.FormatBool(*c.Agent)
	}
	key := strings.Join([]string{
		c.display(), c.PrivateKeyPath, c.CertificatePath, agent, agentSock,
		c.HostKey, c.KnownHostsFile, strconv.FormatBool(c.InsecureIgnoreHostKey),
		c.Timeout.String(), hex.EncodeToString(h.Sum(nil)),
	}, "\x00")
	if c.Bastion != nil {
		key += "\x00bastion\x00" + c.Bastion.poolKey(agentSock)
	}
	return key
}

func localUserName() (string, error) {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username, nil
	}
	if u := os.Getenv("USER"); u != "" {
		return u, nil
	}
	return "", errors.New("ssh: user is empty and the local user name is unknown")
}

// expandHome turns a leading "~/" into the home directory, as OpenSSH and
// users' habits expect for key and known_hosts paths.
func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("ssh: cannot expand %q: %w", p, err)
	}
	return filepath.Join(home, p[1:]), nil
}
