package target

import (
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"strings"
	"time"
)

// The naming of what an edit makes next to the file, shared by the local
// target and the SSH scripts, so that each recognises, and cleans up, the
// leftovers of the other and of earlier versions: one definition here, used
// by sweepStaleTemps (local) and shSweep (ssh_scripts.go).
//
// An edit of the file base makes, in the file's directory, a private
// directory (mode 0700, owned by the writer) named
//
//	"." + base + tempMarker + DIGITS
//
// where DIGITS is newTempSuffix's: the new content is prepared inside it,
// under names nobody else can touch ("new", and "orig" for the SSH
// scripts' pin of the original), and renamed out of it over the file.
// Earlier versions made temporary files under the same names (DIGITS from
// os.CreateTemp's "*" or from newTempSuffix), which the sweep removes too.
// Hidden, so it does not show up in directory globs such as conf/*.xml
// that a product might load, and recognisable, so an operator (and the
// stale-entry sweep) can tell what it is. Digits only keeps the sweep
// narrow: a file an operator named ".carbon.xml.apim-tmp-backup" is never
// removed.

// tempMarker ties a private directory (or an old temporary file) to this
// provider.
const tempMarker = ".apim-tmp-"

func tempPrefix(base string) string { return "." + base + tempMarker }

// isTempName reports whether name (a directory entry, not a path) is a
// private directory or temporary file of base by the naming above.
func isTempName(name, base string) bool {
	rest, ok := strings.CutPrefix(name, tempPrefix(base))
	return ok && isTempSuffix(rest)
}

func isTempSuffix(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// newTempSuffix returns the DIGITS of a new private directory: 64 random
// bits in decimal, unguessable, so a name chosen by the client (the SSH
// target picks it before the directory exists, to name it to the next edit
// after a lost connection) cannot have been prepared by someone else.
func newTempSuffix() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return strconv.FormatUint(binary.BigEndian.Uint64(b[:]), 10)
}

// staleTempAge is how old (by modification time) a leftover must be before
// an edit removes it. A live edit keeps its private directory for
// milliseconds to seconds (the content is written in one go, then synced
// and renamed), so a minute-old one belongs to a run that crashed or was
// killed between making and removing it. Each side compares with the clock
// of the host that holds the file (the SSH scripts use the server's clock),
// so clock skew between the provider and a host cannot make a live edit's
// directory look stale.
const staleTempAge = time.Minute
