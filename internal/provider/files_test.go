package provider

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// TestEditFileSerializesEditsOfOneFile: many edits of one file at once, each
// reading the offset and writing it plus one, lose none of each other's
// edits.
func TestEditFileSerializesEditsOfOneFile(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	local := target.NewLocal()
	const edits = 40
	var wg sync.WaitGroup
	errs := make(chan error, edits)
	for range edits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := editFile(context.Background(), local, carbon, func(doc []byte) ([]byte, error) {
				n, err := apim.ReadOffset(doc)
				if err != nil {
					return nil, err
				}
				return apim.SetOffset(doc, n+1)
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := apim.ReadOffset(readFile(t, carbon))
	if err != nil || got != edits {
		t.Fatalf("offset after %d concurrent increments: %d (%v), want %d", edits, got, err, edits)
	}
	if want := "<Offset>" + strconv.Itoa(edits) + "</Offset>"; !strings.Contains(string(readFile(t, carbon)), want) {
		t.Fatalf("carbon.xml does not hold %s", want)
	}
}

// TestAdviceByKind: each kind of failure gets the advice that fits it, and
// the advice says only what is true of that kind.
func TestAdviceByKind(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("write x: %w", target.ErrReplaced), "Nothing was written. Something replaced the file"},
		{&fs.PathError{Op: "read", Path: "x", Err: target.ErrUnsafePath}, "Nothing was read or written. The provider does not follow a path"},
		{fmt.Errorf("read x: %w", target.ErrTooLarge), "Nothing was read or written. No APIM configuration file comes near 16 MiB"},
		{fmt.Errorf("edit x: %w", target.ErrInterfered), "Nothing was written. A process that may write the file's directory"},
		{fmt.Errorf("read x: %w", fs.ErrNotExist), "Check that apim_home"},
	} {
		if got := advice(tc.err); !strings.HasPrefix(got, tc.want) {
			t.Errorf("advice(%v) = %q, want it to start with %q", tc.err, got, tc.want)
		}
	}
}
