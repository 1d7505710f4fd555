package target

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxEncoded bounds the base64 line of one file's content: MaxFileSize+1
// bytes, encoded.
var maxEncoded = base64.StdEncoding.EncodedLen(MaxFileSize + 1)

// ReadFile returns the content of the regular file at p through
// shReadScript (ReadFiles with one path).
func (t *sshTarget) ReadFile(ctx context.Context, p string) ([]byte, error) {
	docs, errs := t.ReadFiles(ctx, []string{p})
	return docs[0], errs[0]
}

// ReadFiles returns the content of each regular file of paths through
// shReadScript, all in one session and the paths of each directory
// together (inDirectoryOrder), as root with Sudo and as the login
// user without: each path is resolved under the rule of trust.go either
// way, since a login user other than the home's owner (root, a deploy
// account) is more privileged than the owner too, and reading is where an
// edit begins. A path the scripts cannot take is refused alone, before
// anything is sent; a failure of the session fails every path it had.
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
// done. The error is
// for the session: one that could not run, broke, or said something the
// client does not understand.
func (t *sshTarget) scriptReadAll(c *sshConn, names []string, docs [][]byte, errs []error, at []int, done []bool) error {
	r, err := t.startScript(c, shReadScript, append([]string{strconv.Itoa(len(names))}, names...)...)
	if err != nil {
		return err
	}
	// The script needs nothing more: ending its input now lets its exit
	// travel back with the content.
	r.closeInput()
	defer r.end() //nolint:errcheck // a no-op once ended below
	for j, p := range names {
		m, err := r.next()
		if err != nil || (m.kind != 'R' && m.kind != 'F') {
			return r.failure("read", p, m, err)
		}
		if m.kind == 'F' {
			errs[at[j]] = t.scriptErr("read", p, m.arg, m.fields, r.stderr.String())
		} else if docs[at[j]], errs[at[j]], err = t.readContent(r, p); err != nil {
			return err
		}
		if m, err = r.next(); err != nil || m.kind != 'E' {
			return r.failure("read", p, m, err)
		}
		done[at[j]] = true
	}
	if err := r.end(); err != nil {
		return err
	}
	if r.status != 0 {
		return &sshError{op: "read", path: names[0], target: t.String(), detail: fmt.Sprintf(
			"reading the files failed (exit status %d%s)", r.status, stderrPart(r.stderr.String()))}
	}
	return nil
}

// readContent reads what follows "R": the base64 line of the content and
// "S" with dd's exit status. fileErr is this file's failure; err the
// session's.
func (t *sshTarget) readContent(r *scriptRun, p string) (data []byte, fileErr, err error) {
	line, err := readLine(r.out, maxEncoded)
	if err != nil {
		return nil, nil, err
	}
	data, err = base64.StdEncoding.DecodeString(line)
	if err != nil {
		return nil, nil, fmt.Errorf("unexpected output from the script on the host: the content of %s is not base64: %w", shown(p), err)
	}
	m, err := r.next()
	if err != nil || m.kind != 'S' {
		return nil, nil, r.failure("read", p, m, err)
	}
	switch {
	case m.arg != "0":
		return nil, &sshError{op: "read", path: p, target: t.String(), detail: fmt.Sprintf(
			"reading the file failed (dd exit status %s%s)", shown(m.arg), stderrPart(r.stderr.String()))}, nil
	case len(data) > MaxFileSize:
		return nil, &sshError{op: "read", path: p, target: t.String(), kind: ErrTooLarge, detail: fmt.Sprintf(
			"it grew past %d bytes (16 MiB) while it was read, and a configuration file is never that large", MaxFileSize)}, nil
	}
	return data, nil, nil
}
