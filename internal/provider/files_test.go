package provider

import (
	"context"
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
