package main

import (
	"strings"
	"testing"
)

// TestSummaryPerRTT checks that a run at several RTTs gets its tables per
// RTT and the table against RTT, and a run at RTT 0 only the headings it
// had before -rtt.
func TestSummaryPerRTT(t *testing.T) {
	res := &results{Homes: "2.1.0", Reps: 1}
	for _, rtt := range []int{0, 50} {
		for _, n := range []int{10, 100} {
			res.add("ssh", rtt, n, sideOurs, opPlan, sample{Wall: float64(n) * (1 + float64(rtt)/10)})
			res.add("ssh", rtt, n, sideRawSSH, opPlan, sample{Wall: float64(n)})
		}
	}
	res.add("local", 0, 10, sideOurs, opPlan, sample{Wall: 1})
	res.add("local", 0, 100, sideOurs, opPlan, sample{Wall: 2})
	s := res.summary()
	for _, want := range []string{
		"## ssh, N = 100: median wall seconds against RTT",
		"| apim provider | plan | 100 | 600 |",
		"## ssh, RTT 50 ms: wall seconds",
		"## ssh, RTT 0 ms: ratios of median wall times",
		"| apim provider / raw OpenSSH | plan | 6.00× | 6.00× |",
		"## local: wall seconds",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "local, RTT") {
		t.Errorf("the local target is named with an RTT:\n%s", s)
	}
}
