package target

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// ReadFile returns the content of the regular file at p through
// shReadScript (ReadFiles with one path).
func (t *sshTarget) ReadFile(ctx context.Context, p string) ([]byte, error) {
	docs, errs := t.ReadFiles(ctx, []string{p})
	return docs[0], errs[0]
}

// ReadFiles returns the content of each regular file of paths through
// shReadScript, all in one script and the paths of each directory
// together (inDirectoryOrder), as root with Sudo and as the login
// user without: each path is resolved under the rule of trust.go either
// way, since a login user other than the home's owner (root, a deploy
// account) is more privileged than the owner too, and reading is where an
// edit begins. A path the scripts cannot take is refused alone, before
// anything is sent; a failure of the script fails every path it had.
func (t *sshTarget) ReadFiles(ctx context.Context, paths []string) ([][]byte, []error) {
	docs := make([][]byte, len(paths))
	errs := make([]error, len(paths))
	var sent []int
	for i, p := range paths {
		if errs[i] = t.checkSSHPath("read", p); errs[i] == nil {
			sent = append(sent, i)
		}
	}
	if len(sent) == 0 {
		return docs, errs
	}
	inDirectoryOrder(paths, sent)
	names := make([]string, len(sent))
	for j, i := range sent {
		names[j] = paths[i]
	}
	done := make([]bool, len(paths))
	err := t.do(ctx, "read", names[0], func(c *sshConn) error { return t.scriptReadAll(c, names, docs, errs, sent, done) })
	if err != nil {
		for _, i := range sent {
			if !done[i] {
				errs[i] = forPath(err, paths[i])
			}
		}
	}
	return docs, errs
}

// inDirectoryOrder orders the indexes at of paths so that the paths of
// one directory come one after the other, in their order otherwise: the
// read script walks to such a directory once and checks all its files
// with one stat, where each file alone costs two (a home's nine files are
// in five directories, five of them in repository/conf). The directory is
// the text before the last "/", as the script takes it.
func inDirectoryOrder(paths []string, at []int) {
	slices.SortStableFunc(at, func(a, b int) int {
		return strings.Compare(dirText(paths[a]), dirText(paths[b]))
	})
}

// dirText is p up to its last "/".
func dirText(p string) string { return p[:strings.LastIndexByte(p, '/')+1] }

// forPath is the failure of a session that read several files, as the
// failure of one of them: naming that file.
func forPath(err error, p string) error {
	var se *sshError
	if !errors.As(err, &se) || se.path == p {
		return err
	}
	named := *se
	named.path = p
	return &named
}

// scriptReadAll runs shReadScript for names and puts each file's content or
// failure at its index (at[j] for names[j]) in docs and errs, marking it
// done. The error is for the session: one that could not run, broke, or
// said something the client does not understand.
func (t *sshTarget) scriptReadAll(c *sshConn, names []string, docs [][]byte, errs []error, at []int, done []bool) error {
	r, err := t.startScript(c, shReadScript, append([]string{strconv.Itoa(len(names))}, names...)...)
	if err != nil {
		return err
	}
	defer r.end() //nolint:errcheck // a no-op once ended below
	// counts[j] is how many bytes of the content are names[j]'s; a file
	// is done once its outcome is known, and one that was read when the
	// content has arrived.
	counts := make([]int, len(names))
	total := 0
	for j, p := range names {
		m, err := r.next()
		if err != nil || (m.kind != 'S' && m.kind != 'F') {
			return r.failure("read", p, m, err)
		}
		if m.kind == 'F' {
			errs[at[j]] = t.scriptErr("read", p, m.arg, m.fields, r.stderr.String())
		} else if counts[j], errs[at[j]], err = t.readStatus(r, p, m.arg); err != nil {
			return err
		}
		done[at[j]] = errs[at[j]] != nil
		total += counts[j]
		if m, err = r.next(); err != nil || m.kind != 'E' {
			return r.failure("read", p, m, err)
		}
	}
	m, err := r.next()
	if err != nil || m.kind != 'C' {
		return r.failure("read", names[0], m, err)
	}
	content, err := r.encodedLine(total)
	if err != nil {
		return err
	}
	for j := range names {
		if !done[at[j]] {
			docs[at[j]], done[at[j]] = content[:counts[j]:counts[j]], true
		}
		content = content[counts[j]:]
	}
	r.complete = true
	if err := r.end(); err != nil {
		return err
	}
	if r.status != 0 {
		return &sshError{op: "read", path: names[0], target: t.String(), detail: fmt.Sprintf(
			"reading the files failed (exit status %d%s)", r.status, stderrPart(r.stderr.String()))}
	}
	return nil
}

// readStatus takes "S"'s arg, dd's exit status and the count of bytes it
// put into the content ("-" when it said none), for the file p. fileErr is
// this file's failure; err the session's.
func (t *sshTarget) readStatus(r *scriptRun, p, arg string) (count int, fileErr, err error) {
	rc, n, _ := strings.Cut(arg, " ")
	count, err = strconv.Atoi(n)
	switch {
	case rc == "0" && (err != nil || count < 0 || count > MaxFileSize+1):
		return 0, nil, fmt.Errorf("unexpected output from the script on the host: dd read %s, but said it copied %q bytes", shown(p), shown(n))
	case rc != "0" && n == "-":
		count = 0
	case rc != "0" && (err != nil || count < 0 || count > MaxFileSize+1):
		return 0, nil, fmt.Errorf("unexpected output from the script on the host: dd failed on %s and said it copied %q bytes", shown(p), shown(n))
	}
	switch {
	case rc != "0":
		return count, &sshError{op: "read", path: p, target: t.String(), detail: fmt.Sprintf(
			"reading the file failed (dd exit status %s%s)", shown(rc), stderrPart(r.stderr.String()))}, nil
	case count > MaxFileSize:
		return count, &sshError{op: "read", path: p, target: t.String(), kind: ErrTooLarge, detail: fmt.Sprintf(
			"it grew past %d bytes (16 MiB) while it was read, and a configuration file is never that large", MaxFileSize)}, nil
	}
	return count, nil, nil
}

// encodedLine reads the line of "C": the base64 of exactly n bytes, whose
// length is then known, read at once and decoded into the one buffer the
// files' contents are cut from.
func (r *scriptRun) encodedLine(n int) ([]byte, error) {
	enc := make([]byte, base64.StdEncoding.EncodedLen(n)+len("\n"))
	if _, err := io.ReadFull(r.out, enc); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		return nil, err
	}
	data := make([]byte, n)
	if m, err := base64.StdEncoding.Decode(data, enc[:len(enc)-1]); err != nil || m != n || enc[len(enc)-1] != '\n' {
		return nil, fmt.Errorf("unexpected output from the script on the host: the files' content is not the base64 of the %d bytes dd copied", n)
	}
	return data, nil
}
