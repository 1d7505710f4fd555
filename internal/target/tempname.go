package target

import (
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"strings"
	"time"
)

// The naming of temporary files, shared by the local and the SSH write
// paths (SFTP and sudo), so that each side recognises, and cleans up, the
// leftovers of the others: one definition here, used by removeStaleTemps
// (local), removeStaleTempsSFTP and the sudo script (ssh*.go).
//
// A temporary file of the file base is named
//
//	"." + base + tempMarker + DIGITS
//
// where DIGITS is one or more decimal digits: what os.CreateTemp appends for
// a "*" pattern (local) and what newTempName appends (SSH). Hidden, so it
// does not show up in directory globs such as conf/*.xml that a product
// might load, and recognisable, so an operator (and the stale-file sweep)
// can tell what it is. Digits only keeps the sweep narrow: a file an
// operator named ".carbon.xml.apim-tmp-backup" is never removed.

// tempMarker ties a temporary file to this provider.
const tempMarker = ".apim-tmp-"

func tempPrefix(base string) string { return "." + base + tempMarker }

// isTempName reports whether name (a directory entry, not a path) is a
// temporary file of base by the naming above.
func isTempName(name, base string) bool {
	rest, ok := strings.CutPrefix(name, tempPrefix(base))
	return ok && isTempSuffix(rest)
}

func isTempSuffix(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// newTempSuffix returns the DIGITS of a new temporary name: 64 random bits
// in decimal, unguessable, so a name chosen by the client (the SSH paths
// need to know it before the file exists, to remove it after a lost
// connection) cannot have been prepared by someone else.
func newTempSuffix() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return strconv.FormatUint(binary.BigEndian.Uint64(b[:]), 10)
}

// staleTempAge is how old (by modification time) a leftover temporary file
// must be before a write removes it. A live write keeps its temporary file
// for milliseconds to seconds (it is written in one go, then synced and
// renamed), so a minute-old one belongs to a run that crashed or was killed
// between creating and renaming it. Each side compares with the clock of the
// host that holds the file (the SSH paths use the server's clock), so clock
// skew between the provider and a host cannot make a live write's file look
// stale.
const staleTempAge = time.Minute

// shTempSweep is the same rule as isTempName and staleTempAge in POSIX sh
// with coreutils (stat -c, date), for the sudo path: it removes the stale
// temporary files of "$b" in "$d", keeping those of live writes. Only
// regular files (not links) named tempPrefix + digits, unmodified for
// staleTempAge, are removed; errors are ignored, because cleanup must never
// stop a write. TestTempSweepAgreesWithGo checks the two definitions against
// each other.
var shTempSweep = `now=$(date +%s)
for f in "$d/.$b` + tempMarker + `"*; do
	case ${f#"$d/.$b` + tempMarker + `"} in ''|*[!0-9]*) continue;; esac
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	m=$(stat -c %Y -- "$f" 2>/dev/null) || continue
	[ $((now - m)) -ge ` + strconv.Itoa(int(staleTempAge/time.Second)) + ` ] && rm -f -- "$f"
done`
