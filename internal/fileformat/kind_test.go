package fileformat

import (
	"strings"
	"testing"
)

func TestKindText(t *testing.T) {
	for k := ErrMalformed; k <= ErrInvalidArgument; k++ {
		if s := k.Error(); !strings.HasPrefix(s, "fileformat: ") || strings.Contains(s, "unknown") {
			t.Errorf("%d: %q", k, s)
		}
	}
	if Kind(0).Error() != "fileformat: unknown error kind" {
		t.Error("the zero Kind")
	}
}
