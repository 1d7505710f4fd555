package main

import (
	"fmt"
	"slices"
)

// spread is the median and the range of repeated measurements.
type spread struct {
	Median, Min, Max float64
}

func spreadOf(xs []float64) spread {
	if len(xs) == 0 {
		return spread{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return spread{Median: m, Min: s[0], Max: s[len(s)-1]}
}

// seconds formats a spread of seconds as "1.23 (1.20–1.31)".
func (s spread) seconds() string {
	return fmt.Sprintf("%s (%s–%s)", sig(s.Median), sig(s.Min), sig(s.Max))
}

// sig prints a number with three significant digits at most, and no
// exponent for the magnitudes the benchmark sees.
func sig(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	case x >= 1:
		return fmt.Sprintf("%.2f", x)
	default:
		return fmt.Sprintf("%.3f", x)
	}
}

// ratio formats a/b as "1.23×", or "—" when b is 0.
func ratio(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return sig(a/b) + "×"
}
