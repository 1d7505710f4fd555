package target

import (
	"path/filepath"
	"sync"
)

// Process-wide keyed mutex behind every Target's Lock.
//
// Terraform applies independent resources concurrently inside one provider
// process. Two resources that edit the same file (say, two settings of one
// deployment.toml) each do read → splice → write; without serialization the
// second write would silently drop the first edit. The lock has to be
// process-wide rather than per Target value because the framework may build a
// fresh Target for every resource operation, so a mutex stored in the Target
// would never be shared.
//
// It does not guard against other processes (a second terraform run, an
// operator's editor). EditFile's atomic rename keeps the file whole in that
// case, and an edit during which another process replaced the file fails
// with ErrReplaced rather than undo that change; a process that rewrites the
// file in place, though, is not noticed, and the last writer wins.

// keyedLock is one lock in the table. refs counts holders and waiters so the
// entry can be dropped from the table when nobody uses it: the table only
// ever holds keys that are locked or being waited for, which keeps memory
// bounded over a long-lived provider process that touches many paths.
type keyedLock struct {
	mu   sync.Mutex
	refs int
}

var (
	locksMu sync.Mutex
	locks   = map[string]*keyedLock{}
)

// lockFile blocks until the caller holds the lock for path on the host
// identified by hostKey, and returns the function that releases it.
//
// hostKey must name the machine the file lives on, and be the same for every
// Target of that machine in this process, because it is the file that must be
// serialized, not the login: an SSH implementation should use something like
// "ssh:" + host + ":" + port, not including the user, so two users editing the
// same file still serialize. Local uses localHostKey. Keys of different
// hosts must not collide; path is cleaned here (so "a/../b" and "b" meet),
// but symbolic links are not resolved: a Target that can resolve them cheaply
// should pass the resolved path.
//
// The returned unlock is safe to call more than once; only the first call
// releases, so a deferred unlock after an explicit one does no harm.
// The lock is not reentrant: EditFile and ReadFile never take it, the caller
// holds it around its whole read-modify-write.
func lockFile(hostKey, path string) (unlock func()) {
	// NUL cannot occur in a Unix path, so the key cannot be ambiguous
	// whatever characters hostKey holds.
	key := hostKey + "\x00" + filepath.Clean(path)

	locksMu.Lock()
	l := locks[key]
	if l == nil {
		l = &keyedLock{}
		locks[key] = l
	}
	// Count ourselves before blocking, so a holder that releases meanwhile
	// does not delete the entry we are about to wait on.
	l.refs++
	locksMu.Unlock()

	l.mu.Lock()

	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Unlock()
			locksMu.Lock()
			l.refs--
			if l.refs == 0 {
				delete(locks, key)
			}
			locksMu.Unlock()
		})
	}
}

// lockTableSize reports how many keys are in the table; tests use it to prove
// that released locks leave nothing behind.
func lockTableSize() int {
	locksMu.Lock()
	defer locksMu.Unlock()
	return len(locks)
}
