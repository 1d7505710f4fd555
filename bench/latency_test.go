package main

import (
	"io"
	"net"
	"testing"
	"time"
)

func TestHalvesAddUp(t *testing.T) {
	for _, ms := range []int64{0, 1, 5, 50, 100} {
		up, down := halves(time.Duration(ms) * time.Millisecond)
		if up+down != ms || down-up > 1 || up > down {
			t.Errorf("halves(%d ms) = %d, %d", ms, up, down)
		}
	}
}

// TestLatencyProxy checks the harness, not the product: the proxy carries
// the configured toxics (read back through toxiproxy), and a TCP echo
// through it takes at least the round trip. Only a lower bound is
// asserted, so a slow machine cannot fail it.
func TestLatencyProxy(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()

	const rtt = 45 * time.Millisecond
	p, err := startLatencyProxy("127.0.0.1", echo.Addr().String(), rtt)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	if got, err := configuredRTT(p); err != nil || got != rtt {
		t.Fatalf("configured RTT %v (%v), want %v", got, err, rtt)
	}

	c, err := net.Dial("tcp", p.Listen)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 1)
	for i := range 3 {
		start := time.Now()
		if _, err := c.Write([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took < rtt || buf[0] != byte(i) {
			t.Errorf("echo %d took %v (got %d), want at least %v", i, took, buf[0], rtt)
		} else {
			t.Logf("echo %d: %v", i, took)
		}
	}
}
