package target

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// protectedError is the cause when the file carries an inode attribute
// that forbids replacing it to every user, root included. It is not
// fs.ErrPermission: access rights and sudo have nothing to do with it.
type protectedError struct{ what, flag string }

func (e protectedError) Error() string {
	return fmt.Sprintf("it is %s (chattr +%s): not even root may replace it; if the change is intended, remove the attribute with chattr -%s",
		e.what, e.flag, e.flag)
}

// protectedFile explains a refused rename over the open file fd: a
// protectedError when the file is immutable or append-only, nil when it is
// neither or its attributes cannot be read. It asks the open file, not a
// path, so the answer is about the file that was read.
func protectedFile(fd int) error {
	var st unix.Statx_t
	if err := unix.Statx(fd, "", unix.AT_EMPTY_PATH, 0, &st); err != nil {
		return nil //nolint:nilerr // as documented: unreadable attributes explain nothing, the caller reports the rename's own error
	}
	switch attrs := st.Attributes & st.Attributes_mask; {
	case attrs&unix.STATX_ATTR_IMMUTABLE != 0:
		return protectedError{"immutable", "i"}
	case attrs&unix.STATX_ATTR_APPEND != 0:
		return protectedError{"append-only", "a"}
	}
	return nil
}
