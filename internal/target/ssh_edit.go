package target

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// EditFile runs shEditScript (ssh_scripts.go): the whole edit in one
// script on a worker (ssh_worker.go), as root through sudo or as the login
// user. The script resolves
// the path, pins the file and sends its content; edit runs here; the new
// content goes back with "commit", and the script prepares it next to the
// file, checks it, says so, and only then reads "commit" and renames. A
// script that fails or loses its input before that (the connection broke)
// writes nothing. An edit is two round trips on a worker: the content,
// and the new content with the commit.
func (t *sshTarget) EditFile(ctx context.Context, p string, edit func([]byte) ([]byte, error)) (bool, error) {
	if err := t.checkSSHPath("edit", p); err != nil {
		return false, err
	}
	var st editState
	err := t.do(ctx, "edit", p, func(c *sshConn) error { return t.editOnce(c, p, edit, &st) })
	switch {
	case st.editErr != nil:
		return false, st.editErr
	case err != nil && st.unsure:
		return false, fmt.Errorf("%w (the connection broke after the client had confirmed the new content, "+
			"so the file may hold the old or the new content; run the edit again)", err)
	case err != nil:
		return false, err
	}
	// An attempt whose connection broke after "commit" may have renamed;
	// the retry then finds the edit made and keeps the file.
	return st.changed || st.unsure, nil
}

// editState is what EditFile learns over its attempts (sshTarget.do
// retries once on a new connection).
type editState struct {
	changed bool
	// unsure: "commit" was sent and no answer came, so the rename may
	// have happened (or the script failed before it: F says which).
	unsure  bool
	editErr error // edit's own error, returned as it is
}

// errEditFunc ends an attempt whose edit function failed; EditFile returns
// that function's error instead.
var errEditFunc = &sshError{detail: "the edit function failed"}

func (t *sshTarget) editOnce(c *sshConn, p string, edit func([]byte) ([]byte, error), st *editState) error {
	// The private directory's digits are chosen here, so that an attempt
	// whose session dies (SIGKILL leaves no trap to clean up) can name
	// it to the next edit of the file, which removes it at once.
	suffix := newTempSuffix()
	orphans := t.entry.takeOrphans(t.cfg.Sudo, p)
	r, err := t.startScript(c, shEditScript, p, suffix, strings.Join(orphans, " "))
	if err != nil {
		t.entry.addOrphans(t.cfg.Sudo, p, orphans...)
		return err
	}
	swept := false
	defer func() {
		_ = r.end() // a no-op when ended already; the error says what cleanedUp says
		if !swept {
			t.entry.addOrphans(t.cfg.Sudo, p, orphans...)
		}
		if !r.cleanedUp() {
			t.entry.addOrphans(t.cfg.Sudo, p, suffix)
		}
	}()

	m, err := r.next()
	if err != nil || m.kind != 'R' {
		return r.failure("edit", p, m, err)
	}
	swept = true // the script sweeps before it reads
	size, perr := strconv.ParseInt(m.arg, 10, 64)
	if perr != nil || size < 0 || size > MaxFileSize {
		return r.failure("edit", p, scriptMsg{kind: 'R'}, nil)
	}
	old, err := r.content(size)
	if err != nil {
		return r.failure("edit", p, scriptMsg{}, notEOF(err))
	}

	out, err := edit(old)
	if err != nil {
		st.editErr = err
		return errEditFunc
	}
	if bytes.Equal(out, old) {
		_ = r.send([]byte("keep\n")) // a failure shows in next
		if m, err := r.next(); err != nil || m.kind != 'D' {
			return r.failure("edit", p, m, err)
		}
		r.complete = true
		return nil
	}
	if len(out) > MaxFileSize {
		return &sshError{op: "edit", path: p, target: t.String(), kind: ErrTooLarge, detail: fmt.Sprintf(
			"the edited content has %d bytes, more than the %d bytes (16 MiB) the provider writes; nothing was written",
			len(out), MaxFileSize)}
	}
	// "commit" goes with the content: nothing the client learns from W
	// changes its answer, and waiting for W would cost every edit a round
	// trip. The script still reads it only once the new file is ready and
	// checked, and a failure before that (F, or input that ends) renames
	// nothing. Only the tests' fault seam (writeFault) holds it back until
	// W, to look at and disturb the host between the two.
	seam := writeFault != nil
	msg := append(fmt.Appendf(nil, "write %d\n", len(out)), out...)
	if !seam {
		msg = append(msg, "commit\n"...)
		st.unsure = true
	}
	_ = r.send(msg)
	if m, err := r.next(); err != nil || m.kind != 'W' {
		if m.kind == 'F' {
			st.unsure = false // it failed before reading "commit"
		}
		return r.failure("edit", p, m, err)
	}
	if seam {
		if err := injectFault(stageTempWritten); err != nil {
			return &sshError{op: "edit", path: p, target: t.String(),
				detail: stageTempWritten + "; nothing was written, the file was not changed", err: err}
		}
		st.unsure = true
		_ = r.send([]byte("commit\n"))
	}
	m, err = r.next()
	if err != nil || m.kind != 'D' {
		if m.kind == 'F' {
			st.unsure = false // a failure before the rename, or of the rename
		}
		return r.failure("edit", p, m, err)
	}
	st.unsure, st.changed = false, true
	r.complete = true
	if err := injectFault(stageRenamed); err != nil {
		return t.afterRename(p, err)
	}
	return nil
}

// notEOF turns the end of the output in the middle of the content into
// "no error": failure then reports how the script ended.
func notEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// afterRename is the error for a failure once the file was replaced.
func (t *sshTarget) afterRename(p string, err error) error {
	return &sshError{op: "edit", path: p, target: t.String(),
		detail: "the file has the new content, but the edit did not complete", err: err}
}
