package tomledit

import (
	"fmt"
	"strconv"
)

// WholeNumber reads the value as a whole number from 0 to limit, the way
// WSO2 reads a numeric setting: an integer (decimal, or hexadecimal, octal
// or binary as TOML allows), or a string whose content is decimal digits,
// with blanks around them at most, such as offset = "2" (what WSO2's Puppet
// module writes; the configuration mapper renders the string's content
// into the XML, where it is read as a number). Anything else is ErrBadValue:
// a float, a negative number, a number above limit, a string that is not
// digits, an array.
func (v Value) WholeNumber(limit int64) (int64, error) {
	n, ok := v.wholeNumber()
	if !ok || n > limit {
		return 0, newError(ErrBadValue, fmt.Sprintf("%s (line %d) holds %s %s, not a whole number from 0 to %d", v.key, v.Line, v.Type, v.Raw, limit))
	}
	return n, nil
}

// wholeNumber reads the value as WholeNumber does, without a limit.
func (v Value) wholeNumber() (int64, bool) {
	var n int64
	var err error
	switch v.Type {
	case Integer:
		// Base 0 reads TOML's 0x, 0o and 0b prefixes and underscores; the
		// decoder has already refused what TOML does not allow (017, 1__0).
		n, err = strconv.ParseInt(v.Raw, 0, 64)
	case String:
		_, digits, _, ok := v.digits()
		if !ok {
			return 0, false
		}
		n, err = strconv.ParseInt(digits, 10, 64)
	default:
		return 0, false
	}
	return n, err == nil && n >= 0
}

// digits splits a string value holding a number into what comes before
// the digits (the opening quote and any blanks), the digits, and what comes
// after them. ok is false unless the string is, as written, blanks, decimal
// digits and blanks: no escapes and no line breaks, so that its Raw and
// Text agree and the digits can be replaced in place.
func (v Value) digits() (before, digits, after string, ok bool) {
	q := len(v.Quote)
	if v.Type != String {
		return "", "", "", false
	}
	body := v.Raw[q : len(v.Raw)-q]
	i := 0
	for i < len(body) && isBlank(body[i]) {
		i++
	}
	j := i
	for j < len(body) && body[j] >= '0' && body[j] <= '9' {
		j++
	}
	k := j
	for k < len(body) && isBlank(body[k]) {
		k++
	}
	if j == i || k != len(body) {
		return "", "", "", false
	}
	return v.Raw[:q+i], body[i:j], v.Raw[q+j:], true
}

// withNumber returns the raw value that writes n the way v is written: an
// integer as a decimal integer, a string as the same string with its digits
// replaced. v must hold a whole number (WholeNumber accepted it).
func (v Value) withNumber(n int64) string {
	s := strconv.FormatInt(n, 10)
	if v.Type != String {
		return s
	}
	before, _, after, _ := v.digits()
	return before + s + after
}
