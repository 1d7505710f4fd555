package provider

import (
	"sync"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// endpointReads keeps what a WebSocket resource's plan read in its home for
// the apply of that resource by the same provider process. Terraform plans
// a resource again in the apply walk, just before it applies it, and that
// plan reads the files that say which file holds the port (detectEndpoint);
// the apply takes what it found instead of reading them a second time: one
// round trip and one script on the host less per resource. The file the
// apply changes is read by the edit itself, as always, so what is written
// is computed from the file as it is when it is replaced.
type endpointReads struct {
	mu    sync.Mutex
	found map[string]endpointRead
}

func newEndpointReads() *endpointReads {
	return &endpointReads{found: map[string]endpointRead{}}
}

// endpointReadKey names e's endpoint in home at place (hosts.place).
func endpointReadKey(place, home string, e apim.Endpoint) string {
	return place + "\x00" + filePath(home, e.File)
}

// keep records what the plan found for key, replacing an older record.
func (r *endpointReads) keep(key string, found endpointRead) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.found[key] = found
}

// take returns what the plan found for key and forgets it, so that a later
// apply of the same endpoint in this process (none is expected) reads again.
func (r *endpointReads) take(key string) (endpointRead, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	found, ok := r.found[key]
	delete(r.found, key)
	return found, ok
}
