package target

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// authPlan is the parsed credentials of one SSHConfig. Keys and certificates
// are parsed when the Target is made, so a bad key is reported before any
// connection is attempted; only the agent is contacted at dial time, because
// its keys can change while the provider runs.
type authPlan struct {
	signers       []ssh.Signer
	password      string
	agentSock     string // "" when the agent is not used
	agentRequired bool
}

// agentSocket returns the agent socket a config uses: Agent nil means "use it
// if SSH_AUTH_SOCK is set", as Terraform's connection block does.
func agentSocket(cfg *SSHConfig) (sock string, required bool, err error) {
	if cfg.Agent != nil && !*cfg.Agent {
		return "", false, nil
	}
	sock = os.Getenv("SSH_AUTH_SOCK")
	if cfg.Agent != nil && sock == "" {
		return "", true, errors.New("agent = true but SSH_AUTH_SOCK is not set")
	}
	return sock, cfg.Agent != nil, nil
}

func newAuthPlan(cfg *SSHConfig) (*authPlan, error) {
	p := &authPlan{password: cfg.Password}
	var err error
	if p.agentSock, p.agentRequired, err = agentSocket(cfg); err != nil {
		return nil, err
	}

	var keys []ssh.Signer
	if cfg.PrivateKey != "" {
		s, err := parseKey([]byte(cfg.PrivateKey), cfg.PrivateKeyPassphrase, "private_key")
		if err != nil {
			return nil, err
		}
		keys = append(keys, s)
	}
	if cfg.PrivateKeyPath != "" {
		pem, err := os.ReadFile(cfg.PrivateKeyPath)
		if err != nil {
			return nil, fmt.Errorf("private_key_path: %w", err)
		}
		s, err := parseKey(pem, cfg.PrivateKeyPassphrase, "private_key_path "+cfg.PrivateKeyPath)
		if err != nil {
			return nil, err
		}
		keys = append(keys, s)
	}

	certText, certName := cfg.Certificate, "certificate"
	if cfg.CertificatePath != "" {
		b, err := os.ReadFile(cfg.CertificatePath)
		if err != nil {
			return nil, fmt.Errorf("certificate_path: %w", err)
		}
		certText, certName = string(b), "certificate_path "+cfg.CertificatePath
	}
	if certText != "" {
		s, err := certSigner([]byte(certText), certName, keys)
		if err != nil {
			return nil, err
		}
		// The certificate replaces the bare key: a server that trusts the
		// CA usually has no authorized_keys entry for the key itself, and
		// every extra offer counts against MaxAuthTries.
		keys = []ssh.Signer{s}
	}
	p.signers = keys

	if len(p.signers) == 0 && p.password == "" && p.agentSock == "" {
		return nil, errors.New("no credentials: set private_key, private_key_path, password or agent (with SSH_AUTH_SOCK)")
	}
	return p, nil
}

// parseKey parses a PEM private key. The errors name the setting, never the
// key or passphrase.
func parseKey(pem []byte, passphrase, name string) (ssh.Signer, error) {
	s, err := ssh.ParsePrivateKey(pem)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		if passphrase == "" {
			return nil, fmt.Errorf("%s is protected by a passphrase: set private_key_passphrase", name)
		}
		s, err = ssh.ParsePrivateKeyWithPassphrase(pem, []byte(passphrase))
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, fmt.Errorf("private_key_passphrase does not decrypt %s", name)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s is not a usable private key: %w", name, err)
	}
	return s, nil
}

// certSigner pairs an OpenSSH user certificate with the private key it
// certifies.
func certSigner(text []byte, name string, keys []ssh.Signer) (ssh.Signer, error) {
	pub, _, _, _, err := ssh.ParseAuthorizedKey(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cert, ok := pub.(*ssh.Certificate)
	if !ok || cert.CertType != ssh.UserCert {
		return nil, fmt.Errorf("%s is not an OpenSSH user certificate", name)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s needs the private key it certifies: set private_key or private_key_path", name)
	}
	for _, k := range keys {
		if s, err := ssh.NewCertSigner(cert, k); err == nil {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%s certifies key %s, which is not the private key given", name, ssh.FingerprintSHA256(cert.Key))
}

// methods returns the auth methods for one handshake and a function that
// releases the agent connection once the handshake is over.
//
// All public keys (explicit ones first, then the agent's) go into one
// "publickey" method because x/crypto tries each method name only once.
func (p *authPlan) methods() ([]ssh.AuthMethod, func(), error) {
	var agentSigners func() ([]ssh.Signer, error)
	release := func() {}
	if p.agentSock != "" {
		conn, err := net.Dial("unix", p.agentSock)
		switch {
		case err == nil:
			agentSigners = agent.NewClient(conn).Signers
			release = func() { conn.Close() }
		case p.agentRequired:
			return nil, release, fmt.Errorf("cannot reach the ssh-agent at SSH_AUTH_SOCK: %w", err)
		}
		// A stale SSH_AUTH_SOCK with agent unset is not an error: the
		// agent was only one of the candidates.
	}

	var methods []ssh.AuthMethod
	if len(p.signers) > 0 || agentSigners != nil {
		methods = append(methods, ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
			signers := append([]ssh.Signer(nil), p.signers...)
			if agentSigners != nil {
				if more, err := agentSigners(); err == nil {
					signers = append(signers, more...)
				}
			}
			return signers, nil
		}))
	}
	if p.password != "" {
		pw := p.password
		methods = append(methods,
			ssh.Password(pw),
			// Servers that authenticate through PAM ask for the password
			// as a keyboard-interactive prompt instead.
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	if len(methods) == 0 {
		release()
		return nil, func() {}, errors.New("no credentials left to offer (the ssh-agent is not reachable)")
	}
	return methods, release, nil
}
