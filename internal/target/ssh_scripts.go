package target

import (
	"strconv"
	"strings"
	"time"
)

// The scripts the SSH target runs on the host, in POSIX sh with GNU
// coreutils (stat -c, head -c, cp --attributes-only, mv -T, dd iflag=),
// as root through sudo -n or as the login user.
//
// Every exec runs the one constant command shCommand, which reads a
// script from stdin. The login shell (sh, bash, dash, fish, tcsh, zsh)
// parses only that fixed string, whose meaning is the same in all of them:
// single quotes, no backslash, no "!", no newline. Nothing derived from a
// path is ever part of a command line. The script it reads is shWorker,
// which runs the operations' scripts one after another (ssh_worker.go).
// stdin carries, in order:
//
//	LEN "\n" SHWORKER        shWorker, LEN bytes, read by head -c
//	then per operation:
//	LEN " " ID " " TOKEN "\n" its script, LEN bytes (none when LEN is 0:
//	  SCRIPT                 the worker has it as ID already)
//	ARG "\n" ...             its arguments, one line each (read -r), so
//	                         no argument holds a newline; sshPathErr
//	                         refuses paths with control characters
//	then the conversation    answers of the client, lines and "N\n" +
//	                         N bytes of data (head -c N, which GNU head
//	                         reads exactly)
//
// read -r reads a pipe byte by byte, and GNU head -c N asks read(2) for
// at most the bytes it still needs, so neither consumes what follows; head
// takes the script in a few reads where dd bs=1 took one per byte (the
// edit script, 6 KB, cost about 2.5 ms of the host's CPU each time that
// way on the bench machine; a worker now takes each script once). Each operation's stdout starts with
// outputMarker (rc files of the login shell may print before the worker
// runs; nothing before the marker is ever taken for content) and then
// carries the script's messages, one line each:
//
//	R SIZE "\n" + SIZE bytes   the file an edit pinned, as it read it
//	S RC COUNT "\n"            a file read: dd's exit status and how many
//	                           bytes it put into the content ("-": none)
//	E "\n"                     the end of one file's messages
//	C "\n" BASE64 "\n"         the content of all the files read, one
//	                           after the other, base64 on one line
//	W "\n"                     the new file is ready next to the original
//	D "\n"                     done (renamed, or nothing to do)
//	F CODE "\n" FIELD "\0"...  failure, with the names it is about; NUL
//	                           is the one byte no name can hold
//	X STATUS "\n"              the end of the operation (shWorker): its
//	                           script's exit status
//
// Tools' own messages go to stderr, which is kept for diagnostics only;
// each operation's ends with NUL, TOKEN and a newline.

// shCommand is the whole command line of every exec. Fixed, so it can be
// checked once against every login shell (TestSSHLoginShells).
const shCommand = `sh -c 'read -r n && eval "$(head -c "$n")"'`

// shWorker is the script every exec runs (ssh_worker.go): it serves one
// operation after another, so an operation costs the host a subshell, not
// an SSH session, a login shell, sudo and sh, and the client none of the
// two round trips a new session takes before its input can go out (the
// channel's opening, and the exec, before which sshd takes no input). Each
// operation comes as a line "LEN ID TOKEN", LEN bytes of script (none when
// LEN is 0: the script this worker was sent before as ID), then the
// script's own input. The script runs in a subshell, so its exit, traps,
// variables and redirections end with it; then the worker prints "X
// STATUS" on stdout and NUL, TOKEN and a newline on stderr, the end of the
// operation's messages there (no tool message holds a NUL, and TOKEN is the
// client's random choice, so nothing the operation printed can end it
// early). At the end of its input the worker exits with the last status,
// which is what the client waits for after an operation it gave up.
const shWorker = `_st=0
while read -r _n _id _tok; do
	case $_n$_id in ''|*[!0-9]*) exit 1;; esac
	case $_tok in ''|*[!0-9a-f]*) exit 1;; esac
	if [ "$_n" -gt 0 ]; then
		_s=$(head -c "$_n") || exit 5
		eval "_s$_id=\$_s"
	else
		eval "_s=\${_s$_id-}"
	fi
	set --
	(eval "$_s")
	_st=$?
	printf 'X %d\n' "$_st"
	printf '\000%s\n' "$_tok" >&2
done
exit "$_st"
`

// outputMarker starts the output of a script. The login shell runs the
// user's rc files before the command, and one that prints something (a
// banner, a "pyenv" warning) would otherwise end up in front of the
// file's content, and from there in the edited file.
const outputMarker = "apim:OUTPUT\n"

// shMaxLinks is how many symbolic links one resolution follows before
// failing with ELOOP, as the kernel (MAXSYMLINKS) and walkLocal do.
const shMaxLinks = 40

// withLimits puts MaxFileSize (MAXSIZE) and one byte more (MAXSIZE1) into a
// script: the texts stay readable, and a change of MaxFileSize reaches
// every script.
func withLimits(script string) string {
	return strings.NewReplacer("MAXSIZE1", strconv.Itoa(MaxFileSize+1), "MAXSIZE", strconv.Itoa(MaxFileSize)).Replace(script)
}

// shPrelude starts every script: C locale (byte lengths, English tool
// messages), no globbing of unquoted expansions, files private to the
// writer while they are made, the writer's uid for the trust rule, the
// marker, and fail, which reports a failure code with its fields and exits
// with status 3 (the EXIT trap, where set, cleans up).
//
// The uid is the effective one of the Uid line of /proc/self/status, read
// by the shell itself (the redirection of a loop is the shell's own, so
// "self" is the shell): every script needs it, and an id process cost
// about 1 ms of the host's CPU (measured on the bench machine). id -u gives it
// where there is no /proc.
const shPrelude = `LC_ALL=C; export LC_ALL
set -f
umask 077
nl='
'
w=
while read -r k x y z; do
	case $k in Uid:) w=$y; break;; esac
done </proc/self/status 2>/dev/null
case $w in ''|*[!0-9]*) w=$(id -u) || exit 5;; esac
printf 'apim:OUTPUT\n'
report() {
	printf 'F %s %d\n' "$1" $(($# - 1))
	shift
	for a do printf '%s\0' "$a"; done
	exit 3
}
fail() { report "$@"; }
`

// shTrustWalk is trust.go's rule in sh: walk "$1" from "/" one entry at a
// time with the working directory as the pinned directory, as walkLocal
// does with descriptors, recording the controllers of every entry read,
// and fail UNSAFE unless every controller seen also controls the file at
// the end (its owner counts: it can change the file's content anyway). It leaves the working directory at the file's directory and
// sets b (the file's name there), e (its resolved path), D (the
// directory's dev:ino), fi (the file's dev:ino), fs (its size).
//
// A component is split off with parameter expansion, never by field
// splitting, so names may hold any byte but NUL and "/". A link is read
// with readlink -n and a sentinel "." (command substitution drops
// trailing newlines, which a link target may end in) and spliced in front
// of the rest. A stat call gives the directory's owner, group and mode and
// the entry's owner and type, without following it; when it fails, its
// message (the last line it wrote) says why (nofile), without a second
// stat.
//
// Each stat is a process on the host, and a host runs many instances: so
// the directories of the path that more components follow, up to the
// first "..", are stat'ed in one call (batch: ".", "./a", "./a/b", ...),
// and entered one by one from what it said, each line the entry and the
// line before it its directory, as a stat of "." and the entry would. The
// first entry that is not a directory ends the batch, and the next step
// is a single stat again, which checks that its "." is the directory the
// batch entered last (MOVED, nothing is read or written, when it is not).
// A batch can only be wrong about what was entered if an account that
// controls a directory of the path changed it after the batch; that
// account is recorded from the batch, so the final check holds it to the
// file at the end as a single-step walk would; the check of "." catches
// the walk ending up anywhere but where the batch said. settle is the
// verdict on the entry the walk ended at, from the variables of its last
// step.
// ".." enters the real parent and records the directory left as an entry
// of it, as walkLocal does; a controller seen again names its latest entry
// (the one nearest to where the path ended, where a link was pointed).
// Races do not matter for the rule: a directory without controllers cannot
// change, and the controllers of one that can are recorded before its
// entry is used; the final check is on the real final directory.
var shTrustWalk = `ctl() {
	cs=
	addu "$du"
	if [ $((dm & 512)) -ne 0 ]; then addu "$eu"; return; fi
	[ $((dm & 16)) -eq 0 ] || cs="$cs g:$dg"
	[ $((dm & 2)) -eq 0 ] || cs="$cs o"
}
addu() {
	[ "$1" = 0 ] || [ "$1" = "$w" ] || case " $cs " in *" u:$1 "*) ;; *) cs="$cs u:$1";; esac
}
record() {
	ctl
	for x in $cs; do
		case $x in *:*) v=ix_${x%%:*}_${x#*:};; *) v=ix_$x;; esac
		eval "i=\${$v:-}"
		if [ -z "$i" ]; then
			ns=$((ns + 1))
			i=$ns
			eval "$v=\$i sc_$i=\$x"
		fi
		eval "se_$i=\$1"
	done
}
ctlname() {
	case $1 in
	u:*) getent passwd "${1#u:}" 2>/dev/null | cut -d: -f1;;
	g:*) getent group "${1#g:}" 2>/dev/null | cut -d: -f1;;
	esac
}
norm() {
	while :; do
		case $rest in
		/*) rest=${rest#/};;
		./*) rest=${rest#./};;
		.) rest=;;
		*) return;;
		esac
	done
}
nofile() {
	m=${2##*"$nl"}
	case $m in
	*'No such file'*) fail ENOENT "$1";;
	*'Permission denied'*) fail EACCES "$1";;
	*) fail EWALK "$1" "$m";;
	esac
}
walk() {
	rest=$1 hops=0 ns=0 bl= bd=
	case $rest in /*) ;; *) fail ENOTABS "$rest";; esac
	cd -P / || fail EACCES /
	walkon
}
batch() {
	bl= r=$rest a=. x= pend=
	[ -z "$bd" ] || return 0
	set -- .
	while [ -n "$r" ]; do
		case $r in */*) x=${r%%/*} r=${r#*/};; *) x=$r r=;; esac
		case $x in ''|.) continue;; ..) break;; esac
		[ -z "$pend" ] || set -- "$@" "$pend"
		a=$a/$x pend=$a
	done
	[ "$x" != .. ] || [ -z "$pend" ] || set -- "$@" "$pend"
	[ $# -ge 3 ] || return 0
	bl=$(stat -c '%u %g %f %s %d:%i' -- "$@" 2>/dev/null) || { bl=; return 0; }
	bp=${bl%%"$nl"*} bl=${bl#*"$nl"}$nl
}
walkon() {
	while :; do
		norm
		if [ -z "$rest" ]; then
			[ -z "$wantdir" ] || return 0
			fail ENOTREG "$PWD" 16384
		fi
		[ -n "$bl" ] || batch
		case $rest in
		*/*) c=${rest%%/*} rest=${rest#*/};;
		*) c=$rest rest=;;
		esac
		norm
		if [ -n "$bl" ] && [ "$c" != .. ]; then
			bn=${bl%%"$nl"*} bl=${bl#*"$nl"}
			set -- $bp $bn
			if [ $((0x$8 & 61440)) -eq 16384 ] && [ -n "$rest" ]; then
				du=$1 dg=$2 dm=$((0x$3 & 4095)) eu=$6 e=${PWD%/}/$c
				record "$e"
				cd -P -- "./$c" || fail EACCES "$e"
				bp=$bn bd=${10}
				continue
			fi
		fi
		bl=
		if [ "$c" = .. ]; then
			sv=$(stat -c '%u %g %f %d:%i' -- . .. 2>&1) || nofile "$PWD/.." "$sv"
			set -- $sv
			[ -z "$bd" ] || [ "$4" = "$bd" ] || fail MOVED "$PWD"
			du=$5 dg=$6 dm=$((0x$7 & 4095)) eu=$1 e=$PWD bd=
			cd -P .. || fail EACCES "$e/.."
			record "$e"
			continue
		fi
		e=${PWD%/}/$c
		sv=$(stat -c '%u %g %f %s %d:%i' -- . "./$c" 2>&1) || nofile "$e" "$sv"
		set -- $sv
		[ -z "$bd" ] || [ "$5" = "$bd" ] || fail MOVED "$e"
		du=$1 dg=$2 dm=$((0x$3 & 4095)) D=$5 eu=$6 et=$((0x$8 & 61440)) fs=$9 fi=${10} bd=
		case $et in
		40960)
			record "$e"
			hops=$((hops + 1))
			[ "$hops" -le ` + strconv.Itoa(shMaxLinks) + ` ] || fail ELOOP "$e"
			t=$(readlink -n -- "./$c" && echo .) || fail EWALK "$e"
			t=${t%.}
			[ -n "$t" ] || fail ENOENT "$e"
			case $rest in '') rest=$t;; *) rest=$t/$rest;; esac
			case $t in /*) cd -P / || fail EACCES /;; esac
			continue;;
		16384)
			[ -n "$rest" ] || [ -n "$wantdir" ] || fail ENOTREG "$e" 16384
			record "$e"
			cd -P -- "./$c" || fail EACCES "$e"
			continue;;
		esac
		[ -z "$rest" ] || fail ENOTDIR "$e" "$et"
		break
	done
	[ -z "$wantdir" ] || fail ENOTDIR "$e" "$et"
	settle
}
settle() {
	ctl
	addu "$eu"
	i=0
	while [ "$i" -lt "$ns" ]; do
		i=$((i + 1))
		eval "x=\$sc_$i"
		case " $cs " in
		*" $x "*) ;;
		*) eval "y=\$se_$i"; fail UNSAFE "$x" "$y" "$e" "$(ctlname "$x")";;
		esac
	done
	[ "$et" = 32768 ] || fail ENOTREG "$e" "$et"
	[ "$fs" -le MAXSIZE ] || fail TOOBIG "$e" "$fs"
	b=$c
}
`

// shSweep removes what killed edits of "$b" left in the working directory
// (the file's, pinned by shTrustWalk): entries named tempPrefix(b) + digits
// (isTempName) that are regular files (the temporary files of earlier
// versions) or private directories of the writer (owned by it, mode
// 0700), unmodified for staleTempAge, or named by the client in $orphans
// (the private directories of its own attempts whose script was killed, which
// need not wait). A directory is entered without following links (in a
// subshell, so a wrong one cannot move this shell anywhere), checked again
// from inside, emptied of orig and new only, and removed; nothing else is
// ever removed and no link is followed. Errors are ignored: cleanup must
// never stop an edit. sweepStaleTemps (local) is the same rule in Go;
// TestTempSweepAgreesWithGo checks the two against each other. The clock
// is read only when there is a candidate: an edit with nothing to sweep,
// the usual one, runs no date process.
var shSweep = `sweep() {
	now=
	set +f
	for x in "./.$b` + tempMarker + `"*; do
		set -f
		k=${x#"./.$b` + tempMarker + `"}
		case $k in ''|*[!0-9]*) continue;; esac
		[ ! -L "$x" ] || continue
		if [ -f "$x" ]; then
			m=$(stat -c %Y -- "$x" 2>/dev/null) || continue
			[ -n "$now" ] || now=$(date +%s)
			[ $((now - m)) -lt ` + strconv.Itoa(int(staleTempAge/time.Second)) + ` ] || rm -f -- "$x"
		elif [ -d "$x" ]; then
			set -- $(stat -c '%u %a %Y' -- "$x" 2>/dev/null)
			[ "$1 $2" = "$w 700" ] || continue
			[ -n "$now" ] || now=$(date +%s)
			case " $orphans " in
			*" $k "*) ;;
			*) [ $((now - $3)) -ge ` + strconv.Itoa(int(staleTempAge/time.Second)) + ` ] || continue;;
			esac
			(cd -P -- "$x" && set -- $(stat -c '%u %a %d:%i' -- . ..) && [ "$1 $2 $6" = "$w 700 $D" ] &&
				rm -f ./orig ./new) && rmdir -- "$x" 2>/dev/null
		fi
	done
	set -f
}
`

// shReadScript reads the files named on its input (a count, then one path
// a line) one after the other, each as the file resolved by shTrustWalk
// in a subshell of its own (so one file's walk, working directory and
// failure do not touch the next), with dd: iflag=nofollow, so a link put
// in its place since the walk is not followed, and nonblock, so a FIFO put
// there does not block; at most MaxFileSize+1 bytes, so the client sees a
// file that grew past the limit. dd writes each file into one pipe to one
// base64 for all of them, and its statistics (captured from its stderr:
// "N bytes (...) copied, T s, R MB/s" last) give "S", its exit status and
// that count. Only a dd that failed to open the file prints no statistics,
// and it copied nothing: its message, the last line then, ends with the
// system's reason, so a name cannot pass for the statistics ("-"); a
// file that cannot be read gets "F" and its fields instead; "E" ends each
// file. Once every file has its messages,
// "C" and the base64 line of all the content, which the client cuts at
// the counts: a length is not known before the file is read, and no byte
// of base64 can end the line early or forge a message. The shell holds
// the line until the last file is read (dash takes a command's output 128
// bytes a read): in BenchmarkSSHHostCPU, old and new alternating on the
// bench machine, a read of one file costs the host 12.3 → 13.6 ms of CPU,
// and one of a home's nine files (the provider's reads are of several
// files) 49.4 → 45.1 ms.
//
// The directory all the paths are under (the APIM home, mostly) is walked
// once, and each file's walk goes on from there with what that walk
// recorded: the same steps and the same verdict as a walk of each whole
// path, with a stat per component of the home's path saved for every file
// but the first (the walk's cost is one process per component, on a host
// that may run many instances). When that shared walk fails, nothing has
// been said yet, and every path is walked whole, so that each gets the
// failure its own walk finds. A single path is walked whole at once: a
// shared walk would cost it one stat and one subshell more.
//
// Paths that follow each other with the same directory (the text before
// the last "/"; ReadFiles sends them so, inDirectoryOrder) are a group:
// the directory is walked once, and one stat of "." and the group's names
// gives each name what the last step of its own walk would: the
// directory's owner, group and mode, the entry's owner, type, size and
// dev:ino for a regular file, which then gets its verdict (settle) and is
// read without a walk of its own; stat's message for a name it could not
// describe, which says why (nofile, as in the last step). Descriptions
// start with "+", which tells them from the messages, in the order of the
// names either way. A name that is not a regular file (a link, which is
// then followed), or one stat said nothing of, goes on with its own walk
// from the directory. When the directory's walk fails, or stat's "." is
// not the directory the walk entered, each path of the group gets its own
// walk, as above. A home's nine files are in five directories, five of
// them in repository/conf.
var shReadScript = withLimits(shPrelude + shTrustWalk + `IFS= read -r k || fail EINPUT
case $k in ''|*[!0-9]*) fail EINPUT;; esac
n=0
while [ "$n" -lt "$k" ]; do
	n=$((n + 1))
	IFS= read -r p || fail EINPUT
	eval "p_$n=\$p"
done
pre=
[ "$k" -lt 2 ] || pre=${p_1%/*}
n=1
while [ "$n" -lt "$k" ]; do
	n=$((n + 1))
	eval "p=\$p_$n"
	while [ -n "$pre" ]; do
		case $p in "$pre"/*) break;; esac
		pre=${pre%/*}
	done
done
exec 5>&1
readit() {
	[ -r "./$b" ] || fail ENOREAD "$e"
	m=$(dd if="./$b" iflag=nofollow,nonblock,count_bytes count=MAXSIZE1 bs=65536 2>&1 >&6)
	rc=$? l=${m##*"$nl"}
	[ "$rc" -eq 0 ] || printf '%s\n' "$m" >&2
	case $l in [0-9]*' copied, '*/s) l=${l%% *};; *) l=-;; esac
	case $l in *[!0-9]*) l=-;; esac
	printf 'S %s %s\n' "$rc" "$l"
}
readone() {
	(
	if [ -n "$2" ]; then rest=$2; walkon; else walk "$1"; fi
	readit
	)
	printf 'E\n'
}
readgroup() {
	(
	fail() { exit 4; }
	wantdir=1
	eval "p=\$p_$2"
	if [ -n "$1" ]; then
		rest=
		[ "${p%/*}" = "$pre" ] || rest=${p%/*} rest=${rest#"$pre"/}
		walkon
	else
		walk "${p%/*}/"
	fi
	wantdir=
	set -- "$2" "$3" .
	i=$1
	while [ "$i" -le "$2" ]; do
		eval "p=\$p_$i"
		set -- "$@" "./${p##*/}"
		i=$((i + 1))
	done
	o=$({ o=$(stat -c '+%u %g %f %s %d:%i %n' -- "$@" 2>&3); printf '%s' "$o"; } 3>&1)$nl
	sl= se=
	while [ -n "$o" ]; do
		l=${o%%"$nl"*} o=${o#*"$nl"}
		case $l in +*) sl=$sl${l#+}$nl;; ?*) se=$se$l$nl;; esac
	done
	l=${sl%%"$nl"*} sl=${sl#*"$nl"}
	[ "${l#* * * * * }" = . ] || exit 4
	i=$1 j=$2
	set -- $l
	[ -z "$bd" ] || [ "$5" = "$bd" ] || exit 4
	du=$1 dg=$2 dm=$((0x$3 & 4095)) D=$5 bd=
	fail() { report "$@"; }
	while [ "$i" -le "$j" ]; do
		eval "p=\$p_$i"
		c=${p##*/} l=${sl%%"$nl"*} i=$((i + 1))
		if [ "${l#* * * * * }" = "./$c" ]; then
			sl=${sl#*"$nl"}
			set -- $l
			if [ $((0x$3 & 61440)) -eq 32768 ]; then
				(eu=$1 et=32768 fs=$4 fi=$5 e=${PWD%/}/$c; settle; readit)
				printf 'E\n'
				continue
			fi
		elif [ -n "$se" ]; then
			(nofile "${PWD%/}/$c" "${se%%"$nl"*}")
			se=${se#*"$nl"}
			printf 'E\n'
			continue
		fi
		readone "$p" "$c"
	done
	)
	case $? in
	0) return 0;;
	4) ;;
	*) exit 3;;
	esac
	i=$2
	while [ "$i" -le "$3" ]; do
		eval "p=\$p_$i"
		readone "$p" "${1:+${p#"$pre"/}}"
		i=$((i + 1))
	done
}
readall() {
	n=1
	while [ "$n" -le "$k" ]; do
		eval "p=\$p_$n"
		m=$n
		case ${p##*/} in
		''|.|..) ;;
		*)
			while [ "$m" -lt "$k" ]; do
				eval "q=\$p_$((m + 1))"
				case ${q##*/} in ''|.|..) break;; esac
				[ "${q%/*}" = "${p%/*}" ] || break
				m=$((m + 1))
			done;;
		esac
		if [ "$m" -gt "$n" ]; then
			readgroup "$1" "$n" "$m"
		else
			readone "$p" "${1:+${p#"$pre"/}}"
		fi
		n=$((m + 1))
	done
}
c=$({
if [ -n "$pre" ]; then
	(
	fail() { exit 4; }
	wantdir=1
	walk "$pre"
	wantdir=
	fail() { report "$@"; }
	readall shared
	) && exit 0
	[ $? -eq 4 ] || exit 3
fi
readall ''
} 6>&1 >&5 | base64 -w 0)
printf 'C\n%s\n' "$c"
`)

// shEditScript is one whole edit (EditFile, ssh_edit.go), in one script:
//
//  1. walk the path on the first line (shTrustWalk), sweep (shSweep,
//     with the orphan suffixes of the third line);
//  2. make the private directory "." + b + tempMarker + the digits of the
//     second line in the file's directory (mkdir -m 700: GNU mkdir passes
//     the mode to mkdir(2), so a default ACL of the directory cannot widen
//     it, and checks the result through a descriptor opened without
//     following links), enter it without following links and check it is
//     the writer's own, mode 0700, empty, and in the file's directory (by
//     dev:ino): nobody else can create, rename or replace anything inside
//     it, so the names orig and new are safe to use (tempname.go). An
//     account that controls the directory can rename something over the
//     new name first: mkdir or the check then fails (EPRIV, "interfering
//     with the edit"), and nothing is written;
//  3. pin the original: ln -P makes orig another name of whatever is at
//     the file's name (a link itself, never its target), which must be the
//     file the walk checked (dev:ino), else REPLACED; copy it to new (dd
//     with iflag=nofollow,nonblock: should orig be something else, a link
//     is not followed and a FIFO does not block, and the one stat after
//     the copy then says REPLACED), and send new's content (R);
//  4. read the answer: "keep" (the edit changed nothing: clean up, D) or
//     "write N" and N bytes, which replace new's content;
//  5. give new orig's owner, mode, ACL and extended attributes
//     (cp --attributes-only, ssh_attrs.go, both names in the private
//     directory: no path to swap), check size, owner and mode and that the
//     file's name still refers to orig (one stat), sync, and say W;
//  6. read "commit" (the client sends it with the content, ssh_edit.go):
//     anything else, or the end of input (the connection broke), aborts,
//     so a write the client did not confirm never lands; a failure of
//     the steps before never reads it; check the name once more and rename new
//     over it (mv -T: a directory put there is an error, not a place to
//     move into); sync the directory; clean up; D.
//
// The EXIT trap removes the private directory on every failure, whatever
// state the script was in (where: D, in the file's directory; P, in the
// private directory; anything else, somewhere unexpected, where it
// touches nothing). A script killed by SIGKILL leaves it to the next edit,
// which the client tells its name (orphans, ssh_pool.go).
var shEditScript = withLimits(shPrelude + shTrustWalk + shSweep + `IFS= read -r p && IFS= read -r sfx && IFS= read -r orphans || fail EINPUT
case $sfx in ''|*[!0-9]*) fail EINPUT;; esac
walk "$p"
sweep
n=.$b` + tempMarker + `$sfx
where=
cleanup() {
	case $where in
	P) rm -f ./orig ./new; cd -P .. && rmdir -- "./$n";;
	D) rmdir -- "./$n";;
	esac
}
finish() {
	rm -f ./orig ./new
	cd -P .. && rmdir -- "./$n"
	where=
	printf 'D\n'
	exit 0
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM PIPE
m=$(mkdir -m 700 -- "./$n" 2>&1) || case $m in
	*'cannot create directory'*) printf '%s\n' "$m" >&2; fail EMKDIR "$PWD";;
	*) fail EPRIV "$e";;
	esac
where=D
cd -P -- "./$n" || fail EPRIV "$PWD/$n"
where=?
set -- $(stat -c '%u %a %d:%i' -- . ..)
[ "$1 $2 $6" = "$w 700 $D" ] || fail EPRIV "$e"
set +f
for x in ./* ./.[!.]* ./..?*; do
	[ ! -e "$x" ] && [ ! -L "$x" ] || fail EPRIV "$e"
done
set -f
where=P
ln -P -- "../$b" ./orig || { [ -e "../$b" ] || [ -L "../$b" ] || fail REPLACED "$e"; fail ELINK "$e" "$eu" "$w"; }
rd=0
dd if=./orig of=./new iflag=nofollow,nonblock,count_bytes count=MAXSIZE1 bs=65536 status=none || rd=$?
set -- $(stat -c '%d:%i %s' -- ./orig ./new)
[ "$1" = "$fi" ] || fail REPLACED "$e"
[ "$rd" = 0 ] || fail EREAD "$e"
[ "$4" -le MAXSIZE ] || fail TOOBIG "$e" "$2"
printf 'R %s\n' "$4"
cat -- ./new || exit 5
IFS= read -r a || exit 1
case $a in
keep) finish;;
'write '*) N=${a#write };;
*) fail EINPUT;;
esac
case $N in ''|*[!0-9]*) fail EINPUT;; esac
head -c "$N" >./new || fail EWRITE "$e"
cp --attributes-only --preserve=mode,ownership,xattr -- ./orig ./new || fail ATTRS "$e"
set -- $(stat -c '%u %g %a %d:%i %s' -- ./orig ./new "../$b")
[ "${10}" = "$N" ] || fail SHORT "$e" "${10}" "$N"
[ "$6 $7 $8" = "$1 $2 $3" ] || fail OWNER "$e" "$1" "$2" "$3" "$6" "$7" "$8"
[ "${14}" = "$fi" ] || fail REPLACED "$e"
sync -- ./new 2>/dev/null || sync
printf 'W\n'
IFS= read -r a && [ "$a" = commit ] || exit 1
[ "$(stat -c %d:%i -- "../$b")" = "$fi" ] || fail REPLACED "$e"
mv -fT -- ./new "../$b" || fail EMV "$e"
sync -- .. 2>/dev/null
finish
`)
