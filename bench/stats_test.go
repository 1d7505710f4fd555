package main

import "testing"

func TestSpreadOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		xs   []float64
		want spread
	}{
		{"odd count", []float64{3, 1, 2, 5, 4}, spread{Median: 3, Min: 1, Max: 5}},
		{"even count takes the mean of the middle two", []float64{4, 1, 3, 2}, spread{Median: 2.5, Min: 1, Max: 4}},
		{"one", []float64{7}, spread{Median: 7, Min: 7, Max: 7}},
		{"none", nil, spread{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := spreadOf(tc.xs); got != tc.want {
				t.Errorf("spreadOf(%v) = %+v, want %+v", tc.xs, got, tc.want)
			}
		})
	}
}

func TestSpreadOfLeavesItsInputAlone(t *testing.T) {
	xs := []float64{3, 1, 2}
	spreadOf(xs)
	if xs[0] != 3 || xs[1] != 1 || xs[2] != 2 {
		t.Errorf("spreadOf sorted its argument: %v", xs)
	}
}

func TestFormatting(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{spread{Median: 1.234, Min: 0.98765, Max: 12.34}.seconds(), "1.23 (0.988–12.3)"},
		{sig(123.4), "123"},
		{ratio(3, 2), "1.50×"},
		{ratio(1, 0), "—"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
