package target

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strings"

	"golang.org/x/sys/unix"
)

// Resolving a path once, through file descriptors.
//
// The kernel's own resolution of a path (open, stat, rename by name) happens
// anew at every call, and between two calls the owner of a directory on the
// way can change where the path leads. So the local target resolves a path
// itself, one entry at a time, each with openat(dirfd, name,
// O_PATH|O_NOFOLLOW) relative to the directory opened before: an O_PATH
// descriptor opens nothing for reading (a FIFO does not block, a device is
// not opened), and a symbolic link is read through its own descriptor
// (readlinkat(fd, "")), so what is checked is what is followed. Every entry
// read is recorded under the rule of trust.go, and the walk ends with the
// directory the file is in and the file itself pinned by descriptors; the
// reads and the replacement go through those, never through the path again.

// maxSymlinks is how many symbolic links one resolution follows, as the
// kernel does (MAXSYMLINKS), before failing with ELOOP.
const maxSymlinks = 40

// localFile is a path resolved by walkLocal: the directory the file is in
// and the file, both O_PATH descriptors, with what fstat said of them.
type localFile struct {
	dir    int
	dirSt  unix.Stat_t
	dirRes string // the directory's path as resolved, for messages
	base   string // the file's name in dir
	fd     int
	st     unix.Stat_t
}

func (f *localFile) close() {
	unix.Close(f.fd)
	unix.Close(f.dir)
}

// resolved is the path the walk ended at.
func (f *localFile) resolved() string { return joinPath(f.dirRes, f.base) }

// joinPath appends name to the resolved directory dir.
func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// parentPath is the resolved parent of the resolved directory dir.
func parentPath(dir string) string {
	i := strings.LastIndexByte(dir, '/')
	if i <= 0 {
		return "/"
	}
	return dir[:i]
}

// splitPath returns the components of p, without empty ones and ".".
func splitPath(p string) []string {
	var out []string
	for c := range strings.SplitSeq(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

func dirInfoOf(st *unix.Stat_t) dirInfo {
	return dirInfo{uid: st.Uid, gid: st.Gid, perm: st.Mode & 0o7777}
}

// fileMode converts a stat mode to an fs.FileMode, for messages.
func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & unix.S_IFMT {
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	}
	if m&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// notRegularError is the cause when the path leads to a directory, FIFO,
// device or socket. Reading a FIFO would block forever, reading a device
// could have effects or never end, and replacing either by a regular file
// would destroy it, so only a regular file is ever opened. where is the
// resolved path when it differs from the configured one.
type notRegularError struct {
	mode  fs.FileMode
	where string
}

func (e notRegularError) Error() string {
	var what string
	switch {
	case e.mode.IsDir():
		what = "a directory"
	case e.mode&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case e.mode&fs.ModeSocket != 0:
		what = "a socket"
	case e.mode&fs.ModeCharDevice != 0:
		what = "a character device"
	case e.mode&fs.ModeDevice != 0:
		what = "a block device"
	default:
		what = "not a file"
	}
	s := fmt.Sprintf("is %s (mode %v), not a regular file", what, e.mode)
	if e.where != "" {
		s = "leads to " + quoteForMessage(e.where) + ", which " + s
	}
	return s
}

// tooLargeError is ErrTooLarge with the size found. grew says whether the
// file was within the limit by fstat and grew while it was read.
type tooLargeError struct {
	size int64
	grew bool
}

func (e tooLargeError) Error() string {
	if e.grew {
		return fmt.Sprintf("%v: it grew past %d bytes (16 MiB) while it was read, and a configuration file is never that large; nothing was written",
			ErrTooLarge, MaxFileSize)
	}
	return fmt.Sprintf("%v: it has %d bytes, more than the %d bytes (16 MiB) the provider reads of a configuration file; nothing was read or written",
		ErrTooLarge, e.size, MaxFileSize)
}

func (e tooLargeError) Unwrap() error { return ErrTooLarge }

// walkError puts the configured path, and the entry the walk was at when it
// differs, in front of the cause.
func walkError(op, path, at string, err error) error {
	if at != "" && at != cleanAbs(path) {
		err = fmt.Errorf("at %s: %w", quoteForMessage(at), err)
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

// cleanAbs is how the walk spells path when it follows no link, for
// walkError to tell when the entry it was at is just path.
func cleanAbs(path string) string {
	if !strings.HasPrefix(path, "/") {
		return ""
	}
	return "/" + strings.Join(splitPath(path), "/")
}

// localNames looks up user and group names for UnsafePathError.
func localNames(kind byte, id string) string {
	if kind == 'g' {
		if g, err := user.LookupGroupId(id); err == nil {
			return g.Name
		}
		return ""
	}
	if u, err := user.LookupId(id); err == nil {
		return u.Username
	}
	return ""
}

// walkLocal resolves path (relative to the working directory unless
// absolute) to the regular file it leads to, for writer, under the rule of
// trust.go. ".." is the real parent of the directory reached, as for the
// kernel, not a lexical step back. op names the operation in errors.
func walkLocal(op, path string, writer uint32) (_ *localFile, err error) {
	if path == "" {
		return nil, &fs.PathError{Op: op, Path: path, Err: unix.ENOENT}
	}
	full := path
	if !strings.HasPrefix(path, "/") {
		wd, err := os.Getwd()
		if err != nil {
			return nil, &fs.PathError{Op: op, Path: path, Err: fmt.Errorf("the working directory: %w", err)}
		}
		full = wd + "/" + path
	}
	queue := splitPath(full)

	dir, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, walkError(op, path, "/", err)
	}
	defer func() {
		if err != nil {
			unix.Close(dir)
		}
	}()
	var dirSt unix.Stat_t
	if err := unix.Fstat(dir, &dirSt); err != nil {
		return nil, walkError(op, path, "/", err)
	}
	at := "/" // the resolved path of dir
	trust := newTrustWalk(writer)
	links := 0

	enter := func(fd int, st *unix.Stat_t, p string) {
		unix.Close(dir)
		dir, dirSt, at = fd, *st, p
	}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		last := len(queue) == 0

		if c == ".." {
			fd, err := unix.Openat(dir, "..", unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if err != nil {
				return nil, walkError(op, path, parentPath(at), err)
			}
			var st unix.Stat_t
			if err := unix.Fstat(fd, &st); err != nil {
				unix.Close(fd)
				return nil, walkError(op, path, parentPath(at), err)
			}
			// Whoever could have moved the directory we leave into the
			// one we enter could replace its entry there.
			trust.entry(at, dirInfoOf(&st), dirSt.Uid)
			enter(fd, &st, parentPath(at))
			continue
		}

		p := joinPath(at, c)
		fd, err := unix.Openat(dir, c, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, walkError(op, path, p, err)
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			unix.Close(fd)
			return nil, walkError(op, path, p, err)
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFLNK:
			trust.entry(p, dirInfoOf(&dirSt), st.Uid)
			links++
			if links > maxSymlinks {
				unix.Close(fd)
				return nil, walkError(op, path, p, unix.ELOOP)
			}
			target, err := readlinkFD(fd)
			unix.Close(fd)
			if err != nil {
				return nil, walkError(op, path, p, err)
			}
			if target == "" {
				return nil, walkError(op, path, p, unix.ENOENT)
			}
			if strings.HasPrefix(target, "/") {
				root, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
				if err != nil {
					return nil, walkError(op, path, "/", err)
				}
				var rst unix.Stat_t
				if err := unix.Fstat(root, &rst); err != nil {
					unix.Close(root)
					return nil, walkError(op, path, "/", err)
				}
				enter(root, &rst, "/")
			}
			queue = append(splitPath(target), queue...)
		case unix.S_IFDIR:
			trust.entry(p, dirInfoOf(&dirSt), st.Uid)
			enter(fd, &st, p)
		default:
			if !last {
				unix.Close(fd)
				return nil, walkError(op, path, p, unix.ENOTDIR)
			}
			if uerr := trust.final(p, dirInfoOf(&dirSt), st.Uid); uerr != nil {
				unix.Close(fd)
				uerr.names = localNames
				return nil, &fs.PathError{Op: op, Path: path, Err: fmt.Errorf("%w; nothing was read or written", uerr)}
			}
			if st.Mode&unix.S_IFMT != unix.S_IFREG {
				unix.Close(fd)
				return nil, &fs.PathError{Op: op, Path: path, Err: notRegularError{mode: fileMode(st.Mode), where: differs(p, path)}}
			}
			return &localFile{dir: dir, dirSt: dirSt, dirRes: at, base: c, fd: fd, st: st}, nil
		}
	}
	// The path ends in a directory ("/", "conf/", "x/.." or a link to one).
	return nil, &fs.PathError{Op: op, Path: path, Err: notRegularError{mode: fileMode(dirSt.Mode), where: differs(at, path)}}
}

// differs returns the resolved path p when it is not just path spelled
// cleanly, "" otherwise.
func differs(p, path string) string {
	if p == cleanAbs(path) {
		return ""
	}
	return p
}

// readlinkFD reads the symbolic link that fd (O_PATH|O_NOFOLLOW) is.
func readlinkFD(fd int) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(fd, "", buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// openRead opens the file f pinned for reading, relative to its directory,
// and checks that what was opened is the file the walk found: the name may
// have been given to another file since. errMoved reports that case.
func (f *localFile) openRead() (int, error) {
	fd, err := unix.Openat(f.dir, f.base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOENT) {
		return -1, errMoved
	}
	if err != nil {
		return -1, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if st.Dev != f.st.Dev || st.Ino != f.st.Ino {
		unix.Close(fd)
		return -1, errMoved
	}
	return fd, nil
}

// errMoved: the name the walk found a file under names another file, or
// nothing, when it is opened for reading.
var errMoved = errors.New("it was replaced by another file while it was being opened; nothing was read, run again to read the new one")

// readLimited reads the open regular file fd, whose size by fstat was size
// (at most MaxFileSize), but never more than MaxFileSize+1 bytes: a file
// that grows past the limit meanwhile is ErrTooLarge too.
func readLimited(fd int, size int64) ([]byte, error) {
	buf := make([]byte, 0, size+1)
	for {
		if len(buf) > MaxFileSize {
			return nil, tooLargeError{size: int64(len(buf)), grew: true}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):min(cap(buf), MaxFileSize+1)])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// readPinned opens the file the walk found and reads it: the size is
// checked from fstat before anything is read.
func (f *localFile) readPinned() (fd int, data []byte, err error) {
	if f.st.Size > MaxFileSize {
		return -1, nil, tooLargeError{size: f.st.Size}
	}
	fd, err = f.openRead()
	if err != nil {
		return -1, nil, err
	}
	data, err = readLimited(fd, f.st.Size)
	if err != nil {
		unix.Close(fd)
		return -1, nil, err
	}
	return fd, data, nil
}

func localRead(ctx context.Context, path string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	f, err := walkLocal("read", path, uint32(os.Geteuid()))
	if err != nil {
		return nil, err
	}
	defer f.close()
	fd, data, err := f.readPinned()
	if err != nil {
		return nil, walkError("read", path, f.resolved(), err)
	}
	unix.Close(fd)
	return data, nil
}
