//go:build linux

// Command attacker is the hostile account of package hostiletest: run as the
// unprivileged owner of a directory, it races the provider's operations in
// it. It reads "arm" and "disarm" lines on stdin and answers "started",
// "armed" and "disarmed EVENTS MOVES" on stdout.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ownPrefix starts the names of the attacker's own entries, so it does not
// react to them.
const ownPrefix = ".atk-"

type attacker struct {
	attack, dir, file, real, victim string

	fd int // inotify

	mu      sync.Mutex
	armed   bool
	acted   bool // the one-shot attacks act once per arming
	watches []int
	events  int
	moves   int
	seq     int
	copy    []byte // ReplaceAfterRead: the content of the copy
	mode    os.FileMode
	// dirWd watches the directory for the disarm handshake: disarm
	// changes the directory's mode to what it is, and the IN_ATTRIB that
	// follows every event still queued tells the watcher to answer.
	dirWd  int
	synced chan struct{}
	// placed counts the attacker's own renames into a name not of its own
	// (symlink-new puts its link where the provider's entry was), whose
	// IN_MOVED_TO it must not take for the provider's.
	placed map[string]int
}

func main() {
	a := &attacker{}
	flag.StringVar(&a.attack, "attack", "", "symlink-new, flip-after-read or replace-after-read")
	flag.StringVar(&a.dir, "dir", "", "the directory under attack")
	flag.StringVar(&a.file, "file", "", "the file (or link) under attack, a name in -dir")
	flag.StringVar(&a.real, "real", "", "flip-after-read: the file the link points at, a name in -dir")
	flag.StringVar(&a.victim, "victim", "", "the file the attacker wants written")
	flag.Parse()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		fail(err)
	}
	a.fd = fd
	go a.watch()
	fmt.Println("started")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch in.Text() {
		case "arm":
			if err := a.arm(); err != nil {
				fail(err)
			}
			fmt.Println("armed")
		case "disarm":
			events, moves := a.disarm()
			fmt.Println("disarmed", events, moves)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "attacker:", err)
	os.Exit(1)
}

func (a *attacker) arm() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events, a.moves, a.acted = 0, 0, false
	a.placed = map[string]int{}
	var path string
	var mask uint32
	switch a.attack {
	case "symlink-new":
		path, mask = a.dir, unix.IN_CREATE|unix.IN_MOVED_TO|unix.IN_ONLYDIR
	case "flip-after-read":
		path, mask = filepath.Join(a.dir, a.real), unix.IN_ACCESS|unix.IN_CLOSE_NOWRITE
	case "replace-after-read":
		path, mask = filepath.Join(a.dir, a.file), unix.IN_ACCESS|unix.IN_CLOSE_NOWRITE
		// Read the copy before watching: the attacker's own read must
		// not count as the provider's.
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		if a.copy, err = os.ReadFile(path); err != nil {
			return err
		}
		a.mode = info.Mode().Perm()
	default:
		return fmt.Errorf("unknown attack %q", a.attack)
	}
	wd, err := unix.InotifyAddWatch(a.fd, path, mask)
	if err != nil {
		return fmt.Errorf("watching %s: %w", path, err)
	}
	a.watches = append(a.watches, wd)
	// IN_MASK_ADD: for symlink-new this is the same watch as above.
	if a.dirWd, err = unix.InotifyAddWatch(a.fd, a.dir, unix.IN_ATTRIB|unix.IN_ONLYDIR|unix.IN_MASK_ADD); err != nil {
		return fmt.Errorf("watching %s: %w", a.dir, err)
	}
	a.watches = append(a.watches, a.dirWd)
	a.armed = true
	return nil
}

func (a *attacker) disarm() (events, moves int) {
	// Handshake first, so the events of the operation under attack have
	// all been acted on before the answer.
	synced := make(chan struct{})
	a.mu.Lock()
	a.synced = synced
	a.mu.Unlock()
	info, err := os.Stat(a.dir)
	if err != nil {
		fail(err)
	}
	if err := os.Chmod(a.dir, info.Mode().Perm()); err != nil {
		fail(err)
	}
	<-synced
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, wd := range a.watches {
		_, _ = unix.InotifyRmWatch(a.fd, uint32(wd))
	}
	a.watches = nil
	a.armed = false
	return a.events, a.moves
}

// watch reads inotify events and acts on them while armed.
func (a *attacker) watch() {
	buf := make([]byte, 64*1024)
	for {
		n, err := unix.Read(a.fd, buf)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			fail(err)
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := ""
			if ev.Len > 0 {
				raw := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
				name = strings.TrimRight(string(raw), "\x00")
			}
			off += unix.SizeofInotifyEvent + int(ev.Len)
			if ev.Mask&unix.IN_IGNORED != 0 {
				continue
			}
			if int(ev.Wd) == a.watchedDir() && ev.Mask&unix.IN_ATTRIB != 0 && name == "" {
				a.sync()
				continue
			}
			if ev.Mask&(unix.IN_CREATE|unix.IN_MOVED_TO|unix.IN_ACCESS|unix.IN_CLOSE_NOWRITE) != 0 {
				a.act(name)
			}
		}
	}
}

func (a *attacker) watchedDir() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.dirWd
}

// sync answers a waiting disarm.
func (a *attacker) sync() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.synced != nil {
		close(a.synced)
		a.synced = nil
	}
}

func (a *attacker) act(name string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.armed {
		return
	}
	switch a.attack {
	case "symlink-new":
		if name == "" || strings.HasPrefix(name, ownPrefix) {
			return
		}
		if a.placed[name] > 0 {
			a.placed[name]--
			return
		}
		a.events++
		target := filepath.Join(a.dir, name)
		link := a.own("l")
		if os.Symlink(a.victim, link) != nil {
			return
		}
		// A link cannot be renamed over a directory: move it aside first.
		if info, err := os.Lstat(target); err == nil && info.IsDir() {
			_ = os.Rename(target, a.own("d"))
		}
		if os.Rename(link, target) == nil {
			a.moves++
			a.placed[name]++
		} else {
			os.Remove(link)
		}
	case "flip-after-read":
		a.events++
		if a.acted {
			return
		}
		a.acted = true
		link := a.own("f")
		if os.Symlink(a.victim, link) == nil && os.Rename(link, filepath.Join(a.dir, a.file)) == nil {
			a.moves++
		}
	case "replace-after-read":
		a.events++
		if a.acted {
			return
		}
		a.acted = true
		tmp := a.own("c")
		if os.WriteFile(tmp, a.copy, a.mode) == nil && os.Chmod(tmp, a.mode) == nil &&
			os.Rename(tmp, filepath.Join(a.dir, a.file)) == nil {
			a.moves++
		}
	}
}

// own returns a fresh name for one of the attacker's own entries in dir.
func (a *attacker) own(kind string) string {
	a.seq++
	return filepath.Join(a.dir, ownPrefix+kind+strconv.Itoa(os.Getpid())+"-"+strconv.Itoa(a.seq))
}
