package sshtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Key is an Ed25519 key pair, used as a user key, host key or CA.
type Key struct {
	Private ed25519.PrivateKey
	Signer  ssh.Signer
	Public  ssh.PublicKey
}

// NewKey generates a key pair.
func NewKey(t TB) *Key {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("sshtest: generating a key: %v", err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	return &Key{Private: priv, Signer: s, Public: s.PublicKey()}
}

// AuthorizedKey is the public key as one authorized_keys line, without the
// newline.
func (k *Key) AuthorizedKey() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k.Public)))
}

// PEM is the private key in OpenSSH format, unencrypted.
func (k *Key) PEM(t TB) string {
	t.Helper()
	b, err := ssh.MarshalPrivateKey(k.Private, "sshtest")
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	return string(pem.EncodeToMemory(b))
}

// EncryptedPEM is the private key in OpenSSH format, protected by passphrase
// (bcrypt KDF, aes256-ctr, as ssh-keygen makes them).
func (k *Key) EncryptedPEM(t TB, passphrase string) string {
	t.Helper()
	b, err := ssh.MarshalPrivateKeyWithPassphrase(k.Private, "sshtest", []byte(passphrase))
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	return string(pem.EncodeToMemory(b))
}

// SignUserCert certifies pub as a user key for principals (login names),
// valid from an hour ago for a day, and returns the certificate as an
// authorized_keys-format line.
func (k *Key) SignUserCert(t TB, pub ssh.PublicKey, principals ...string) string {
	t.Helper()
	return k.sign(t, pub, ssh.UserCert, principals, map[string]string{
		"permit-pty": "", "permit-port-forwarding": "", "permit-agent-forwarding": "",
	})
}

// SignHostCert certifies pub as a host key for principals (host names or
// addresses, as clients dial them).
func (k *Key) SignHostCert(t TB, pub ssh.PublicKey, principals ...string) string {
	t.Helper()
	return k.sign(t, pub, ssh.HostCert, principals, nil)
}

func (k *Key) sign(t TB, pub ssh.PublicKey, certType uint32, principals []string, ext map[string]string) string {
	t.Helper()
	now := time.Now()
	cert := &ssh.Certificate{
		Key:             pub,
		CertType:        certType,
		KeyId:           "sshtest",
		ValidPrincipals: principals,
		ValidAfter:      uint64(now.Add(-time.Hour).Unix()),
		ValidBefore:     uint64(now.Add(24 * time.Hour).Unix()),
		Permissions:     ssh.Permissions{Extensions: ext},
	}
	if err := cert.SignCert(rand.Reader, k.Signer); err != nil {
		t.Fatalf("sshtest: signing a certificate: %v", err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(cert)))
}

// WriteFile writes content to name in a fresh temporary directory with mode
// 0600 (what ssh insists on for private keys) and returns its path.
func WriteFile(t TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	return p
}

// StartAgent serves an in-process ssh-agent holding keys on a Unix socket
// and returns the socket path, for SSH_AUTH_SOCK. It stops at cleanup.
func StartAgent(t TB, keys ...*Key) string {
	t.Helper()
	keyring := agent.NewKeyring()
	for _, k := range keys {
		if err := keyring.Add(agent.AddedKey{PrivateKey: k.Private, Comment: "sshtest"}); err != nil {
			t.Fatalf("sshtest: adding a key to the agent: %v", err)
		}
	}
	// Not t.TempDir: its path can exceed the 108-byte limit of Unix socket
	// names.
	dir, err := os.MkdirTemp("", "sshtest-agent-") //nolint:usetesting // socket path length, see above
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	sock := filepath.Join(dir, "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatalf("sshtest: agent socket: %v", err)
	}
	t.Cleanup(func() {
		l.Close()
		os.RemoveAll(dir)
	})
	go func() {
		for {
			c, err := l.Accept()
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil {
				continue
			}
			go func() {
				defer c.Close()
				_ = agent.ServeAgent(keyring, c)
			}()
		}
	}()
	return sock
}
