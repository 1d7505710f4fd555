package main

import (
	"testing"
	"time"
)

func TestBusyTicks(t *testing.T) {
	for _, c := range []struct {
		line string
		want int64
		ok   bool
	}{
		// user nice system idle iowait irq softirq steal guest guest_nice
		{"cpu  100 2 30 5000 40 5 6 7 8 9", 100 + 2 + 30 + 5 + 6 + 7, true},
		{"cpu 1 0 0 0 0 0 0 0", 1, true},
		{"cpu0 100 2 30 5000 40 5 6 7 8 9", 0, false},
		{"cpu  100 2 30 5000 40 5 6", 0, false},
		{"cpu  100 x 30 5000 40 5 6 7 8 9", 0, false},
		{"cpu  100 -2 30 5000 40 5 6 7 8 9", 0, false},
		{"", 0, false},
	} {
		got, err := busyTicks(c.line)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("busyTicks(%q) = %d, %v; want %d, ok %v", c.line, got, err, c.want, c.ok)
		}
	}
}

// TestMachineCPU: the machine's busy time grows while this process works.
func TestMachineCPU(t *testing.T) {
	before, err := machineCPU()
	if err != nil {
		t.Fatal(err)
	}
	self := selfCPU()
	spin := 0
	for selfCPU()-self < 50*time.Millisecond {
		spin++
	}
	after, err := machineCPU()
	if err != nil {
		t.Fatal(err)
	}
	if after-before < 30*time.Millisecond {
		t.Errorf("the machine's CPU grew by %v while this process spent %v (%d getrusage calls)", after-before, selfCPU()-self, spin)
	}
}
