package tomledit

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

// SetNumber returns a copy of doc in which k holds the whole number n.
//
// An existing value keeps its type and quoting, and only its bytes change:
// offset = 2 becomes offset = 3, offset = "2" becomes offset = "3" (the
// digits of a string are replaced, its quotes and any blanks stay). It must
// hold a whole number already (see Value.WholeNumber); anything else is
// ErrBadValue rather than a guess at what was meant. When it already holds
// n, doc is returned as it is, so that the same edit twice writes nothing.
//
// A missing key is added as an integer where the file's owner would put it
// (see the order in plan): the commented-out #offset=0 under [server] is
// uncommented in place, else the key goes right after its table's header,
// else the table is created.
//
// Every result is parsed again and checked before it is returned: n reads
// back, and every other value decodes as it did (see check).
func SetNumber(doc []byte, k Key, n int64) ([]byte, error) {
	if n < 0 {
		return nil, newError(ErrInvalidArgument, fmt.Sprintf("cannot set %s to %d: not a whole number", k, n))
	}
	d, err := parse(doc)
	if err != nil {
		return nil, err
	}
	v, err := d.find(k)
	if errors.Is(err, ErrNotFound) {
		in, err := d.plan(k)
		if err != nil {
			return nil, err
		}
		return d.insert(k, in, strconv.FormatInt(n, 10), n)
	}
	if err != nil {
		return nil, err
	}
	old, ok := v.wholeNumber()
	if !ok {
		return nil, newError(ErrBadValue, fmt.Sprintf("%s (line %d) holds %s %s, not a whole number: it is not replaced by one", v.key, v.Line, v.Type, v.Raw))
	}
	if old == n {
		return doc, nil
	}
	raw := v.withNumber(n)
	return d.replace(k, v, raw, decodedAs(v, raw, n), &v)
}

// SetURLPort returns a copy of doc in which the URL that k holds has port
// instead of its current one: ws_endpoint = "ws://localhost:9099" becomes
// "ws://localhost:9102", and only the port's digits change. The value must
// be a URL with a literal port (see Value.URLPort). A missing key is
// ErrNotFound: a URL is not made up. When the port is already port, doc is
// returned as it is.
func SetURLPort(doc []byte, k Key, port int) ([]byte, error) {
	if port < 0 || port > maxPort {
		return nil, newError(ErrInvalidArgument, fmt.Sprintf("cannot set the port of %s to %d: ports go from 0 to %d", k, port, maxPort))
	}
	d, err := parse(doc)
	if err != nil {
		return nil, err
	}
	v, err := d.find(k)
	if err != nil {
		return nil, err
	}
	if _, _, err := v.URLPort(); err != nil {
		return nil, err
	}
	_, _, start, end, _ := v.urlParts()
	raw := v.Raw[:start] + strconv.Itoa(port) + v.Raw[end:]
	if raw == v.Raw {
		return doc, nil
	}
	return d.replace(k, v, raw, raw[len(v.Quote):len(raw)-len(v.Quote)], &v)
}

// replace splices raw over k's value v, then checks that it now decodes to
// want, written as keep is when that is set, and that nothing else changed.
func (d *document) replace(k Key, v Value, raw string, want any, keep *Value) ([]byte, error) {
	out := fileformat.Replace(d.src, v.Value, raw)
	if err := d.check(out, k, want, keep); err != nil {
		return nil, err
	}
	return out, nil
}

// insert adds k holding raw as in says, then checks that it decodes to
// want and that nothing else changed.
func (d *document) insert(k Key, in insertion, raw string, want any) ([]byte, error) {
	out := splice(d.src, in.at, in.at+len(in.old), in.before+raw+in.after)
	if err := d.check(out, k, want, nil); err != nil {
		return nil, err
	}
	return out, nil
}

// decodedAs is what a number written as raw, in v's place, decodes to: the
// integer, or a string's content.
func decodedAs(v Value, raw string, n int64) any {
	if v.Type == String {
		return raw[len(v.Quote) : len(raw)-len(v.Quote)]
	}
	return n
}
