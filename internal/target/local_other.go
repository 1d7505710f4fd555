//go:build !linux

package target

import (
	"context"
	"fmt"
	"runtime"
)

// The local target keeps its promise (trust.go, local.go) through Linux
// system calls: openat with O_PATH and O_NOFOLLOW, readlinkat on a link's
// own descriptor, renameat between pinned directories, f*xattr. Without them
// a write as root could be turned against another file by the owner of the
// directory, so elsewhere the local target refuses to work rather than fall
// back to following paths.

func localRead(_ context.Context, path string) ([]byte, error) {
	return nil, errLocalUnsupported("read", path)
}

func localEdit(_ context.Context, path string, _ func([]byte) ([]byte, error)) (bool, error) {
	return false, errLocalUnsupported("edit", path)
}

func errLocalUnsupported(op, path string) error {
	return fmt.Errorf("%s %s on the local host: the local target is supported on Linux only, and the provider runs on %s; "+
		"configure an ssh block to manage the host over SSH (it may be this machine, through its SSH server)",
		op, quoteForMessage(path), runtime.GOOS)
}
