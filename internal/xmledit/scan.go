package xmledit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	xmlNamespace   = "http://www.w3.org/XML/1998/namespace"
	xmlnsNamespace = "http://www.w3.org/2000/xmlns/"
)

// nodeKind is the kind of one piece of an element's content.
type nodeKind int

const (
	nodeText nodeKind = iota
	nodeCDATA
	nodeComment
	nodePI
	nodeElement
)

// node is one piece of an element's direct content, by position.
type node struct {
	kind       nodeKind
	start, end int
	line       int
	name       string // for nodeElement: the qualified name as written
}

// element is an element the path matched, with what the edits need to know.
type element struct {
	start    int // '<' of the start tag
	tagEnd   int // just after the start tag's '>'
	endStart int // '<' of the end tag; tagEnd for a self-closing element
	end      int // just after the end tag
	line     int
	tag      startTag
	space    string // namespace URI
	content  []node
}

// selfClosing reports whether the element is written <name/>.
func (el *element) selfClosing() bool { return el.tag.selfClosing }

// qname is the element's name as written in the document.
func (el *element) qname() string { return qualified(el.tag.prefix, el.tag.local) }

// nearMiss remembers an element that matched a step's local name but not its
// namespace or attribute, to explain a failed look-up.
type nearMiss struct {
	depth int
	line  int
	space string // the namespace the element has
	attr  bool   // the namespace matched; the attribute did not
}

// scanResult is what one pass over a document found.
type scanResult struct {
	doc     []byte
	cs      charset
	path    Path
	matches []*element

	deepest     int // number of leading path steps some element chain matched
	deepestLine int
	rootQName   string
	rootSpace   string
	miss        *nearMiss
}

type binding struct{ prefix, uri string }

// frame is one open element during the scan.
type frame struct {
	nameStart, nameEnd int // raw qualified name, to check the end tag
	line               int
	nsMark             int  // namespace bindings in force before this element
	onPath             bool // this element and its ancestors match the path so far
	el                 *element
	parent             *element // matched parent whose content records this element
	nodeIndex          int
}

var errMisplacedDecl = errors.New("an XML declaration is only allowed at the very start of the document")

// scan reads the whole document with encoding/xml in strict mode, checks
// that all of it is namespace-well-formed XML 1.0, and collects the elements
// matched by p (none when p is empty). Positions are byte offsets into doc.
func scan(doc []byte, p Path) (*scanResult, error) {
	pr, err := readProlog(doc)
	if err != nil {
		return nil, err
	}
	view, err := parserView(doc, pr)
	if err != nil {
		return nil, err
	}
	r := &scanResult{doc: doc, cs: pr.cs, path: p}
	cs := pr.cs
	bad := func(off int, reason string) error { return malformedAt(doc, cs, off, reason) }

	dec := xml.NewDecoder(bytes.NewReader(view))
	dec.Strict = true
	charsetCalls := 0
	// The decoder asks for a reader when the declaration names an encoding
	// other than UTF-8. readProlog has vetted that declaration and the view
	// is ASCII (or UTF-8), so the bytes pass through unchanged and offsets
	// stay offsets into doc. Any other call comes from an "<?xml" further
	// into the document, which XML does not allow.
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		charsetCalls++
		if charsetCalls == 1 && pr.decl && strings.EqualFold(label, pr.label) {
			if _, ok := charsetByLabel(label); ok {
				return in, nil
			}
			return nil, newError(ErrEncoding, fmt.Sprintf("unsupported encoding %q", label))
		}
		return nil, errMisplacedDecl
	}

	var (
		stack       []frame
		bindings    = []binding{{"xml", xmlNamespace}}
		rootSeen    bool
		doctypeSeen bool
		line        = 1
		lineOff     = 0
	)
	lineAt := func(off int) int {
		line += bytes.Count(doc[lineOff:off], []byte{'\n'})
		lineOff = off
		return line
	}
	lookup := func(prefix string) (string, bool) {
		for i := len(bindings) - 1; i >= 0; i-- {
			if bindings[i].prefix == prefix {
				return bindings[i].uri, true
			}
		}
		return "", prefix == ""
	}
	record := func(n node) {
		if len(stack) > 0 {
			if el := stack[len(stack)-1].el; el != nil {
				el.content = append(el.content, n)
			}
		}
	}

	for {
		s := pr.bom + int(dec.InputOffset())
		tok, err := dec.RawToken()
		e := pr.bom + int(dec.InputOffset())
		if err == io.EOF {
			break
		}
		if err != nil {
			var xe *Error
			var se *xml.SyntaxError
			switch {
			case errors.Is(err, errMisplacedDecl):
				return nil, bad(s, errMisplacedDecl.Error())
			case errors.As(err, &xe):
				return nil, xe
			case errors.As(err, &se):
				msg := se.Msg
				if strings.Contains(msg, "EOF") && len(stack) > 0 {
					f := stack[len(stack)-1]
					msg += fmt.Sprintf(" (the document ends before element <%s> (line %d) is closed)", doc[f.nameStart:f.nameEnd], f.line)
				}
				return nil, bad(max(e-1, 0), msg)
			}
			return nil, bad(max(e-1, 0), strings.TrimPrefix(err.Error(), "xml: "))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			ln := lineAt(s)
			if len(stack) == 0 {
				if rootSeen {
					return nil, bad(s, fmt.Sprintf("a second root element <%s> after the root element <%s> (a document has exactly one root element)", t.Name.Local, r.rootQName))
				}
				rootSeen = true
			}
			tag, ok := lexStartTag(doc, s, e, cs)
			if !ok {
				return nil, bad(s, "start tag is not namespace-well-formed (a prefix or local name is empty or not a name, or a name has more than one colon)")
			}
			if tag.missingSpaceAt >= 0 {
				return nil, bad(tag.missingSpaceAt, "attributes must be separated by white space")
			}
			mark := len(bindings)
			if err := checkAttrs(doc, cs, &tag, &bindings, lookup, bad); err != nil {
				return nil, err
			}
			if tag.prefix == "xmlns" {
				return nil, bad(s, "element names may not have the prefix xmlns")
			}
			space, ok := lookup(tag.prefix)
			if !ok {
				return nil, bad(s, fmt.Sprintf("namespace prefix %q of element <%s:%s> is not declared", tag.prefix, tag.prefix, tag.local))
			}
			depth := len(stack)
			if depth == 0 {
				r.rootSpace = space
				r.rootQName = string(doc[tag.nameStart:tag.nameEnd])
			}
			f := frame{nameStart: tag.nameStart, nameEnd: tag.nameEnd, line: ln, nsMark: mark}
			if depth > 0 {
				if parent := stack[depth-1].el; parent != nil {
					f.parent = parent
					f.nodeIndex = len(parent.content)
					parent.content = append(parent.content, node{kind: nodeElement, start: s, line: ln, name: string(doc[tag.nameStart:tag.nameEnd])})
				}
			}
			if (depth == 0 || stack[depth-1].onPath) && depth < len(p) {
				f.onPath = r.matchStep(p[depth], depth, &tag, space, ln)
			}
			if f.onPath {
				if depth+1 > r.deepest {
					r.deepest, r.deepestLine = depth+1, ln
				}
				if depth == len(p)-1 {
					f.el = &element{start: s, tagEnd: e, line: ln, tag: tag, space: space}
					r.matches = append(r.matches, f.el)
				}
			}
			stack = append(stack, f)

		case xml.EndElement:
			if len(stack) == 0 { // RawToken does not pair tags
				return nil, bad(s, fmt.Sprintf("end tag </%s> without a matching start tag", endTagName(doc, s, e)))
			}
			f := stack[len(stack)-1]
			if s != e { // a real end tag; a self-closing element's is synthesized
				if name := endTagName(doc, s, e); !bytes.Equal(name, doc[f.nameStart:f.nameEnd]) {
					return nil, bad(s, fmt.Sprintf("element <%s> (line %d) is closed by </%s>", doc[f.nameStart:f.nameEnd], f.line, name))
				}
			}
			if f.el != nil {
				f.el.endStart, f.el.end = s, e
				if s == e {
					f.el.endStart = f.el.tagEnd
				}
			}
			if f.parent != nil {
				f.parent.content[f.nodeIndex].end = e
			}
			bindings = bindings[:f.nsMark]
			stack = stack[:len(stack)-1]

		case xml.CharData:
			cdata := doc[s] == '<'
			if len(stack) == 0 {
				if i := firstNonSpace(doc[s:e]); i >= 0 {
					switch {
					case cdata:
						return nil, bad(s, "CDATA section outside the root element")
					case rootSeen:
						return nil, bad(s+i, fmt.Sprintf("text after the end of the root element <%s>", r.rootQName))
					default:
						return nil, bad(s+i, "text before the root element")
					}
				}
				continue
			}
			if !cdata {
				if i := badCharRef(doc[s:e]); i >= 0 {
					return nil, bad(s+i, "character reference to a character XML does not allow")
				}
			}
			kind := nodeText
			if cdata {
				kind = nodeCDATA
			}
			record(node{kind: kind, start: s, end: e})

		case xml.Comment:
			record(node{kind: nodeComment, start: s, end: e, line: lineAt(s)})

		case xml.ProcInst:
			if strings.EqualFold(t.Target, "xml") && !(t.Target == "xml" && s == pr.bom && pr.decl) {
				return nil, bad(s, errMisplacedDecl.Error()+" (and the processing instruction target xml is reserved)")
			}
			if strings.Contains(t.Target, ":") {
				return nil, bad(s, "processing instruction targets may not contain a colon")
			}
			// encoding/xml does not insist on white space between the
			// target and the data: <?pi<x?> is not XML.
			if after := s + len("<?") + len(t.Target); after < e-len("?>") && !isSpace(doc[after]) {
				return nil, bad(after, fmt.Sprintf("white space expected after the processing instruction target %s", t.Target))
			}
			record(node{kind: nodePI, start: s, end: e, line: lineAt(s)})

		case xml.Directive:
			switch {
			case len(stack) > 0:
				return nil, bad(s, "declarations (<!...>) are not allowed inside an element")
			case rootSeen:
				return nil, bad(s, "a DOCTYPE declaration must come before the root element")
			case doctypeSeen:
				return nil, bad(s, "a second DOCTYPE declaration")
			case !bytes.HasPrefix(t, []byte("DOCTYPE")) || len(t) == len("DOCTYPE") || !isSpace(t[len("DOCTYPE")]):
				return nil, bad(s, "unknown declaration; only <!DOCTYPE ...> may appear before the root element")
			}
			if off, reason := checkDoctype(doc, s, e, cs); off >= 0 {
				return nil, bad(off, reason)
			}
			doctypeSeen = true
		}
	}
	if len(stack) > 0 {
		f := stack[len(stack)-1]
		return nil, bad(len(doc), fmt.Sprintf("the document ends before element <%s> (line %d) is closed", doc[f.nameStart:f.nameEnd], f.line))
	}
	if !rootSeen {
		return nil, bad(len(doc), "the document has no root element")
	}
	return r, nil
}

// firstNonSpace returns the index of the first byte of b that is not XML
// white space, or -1.
func firstNonSpace(b []byte) int {
	for i, c := range b {
		if !isSpace(c) {
			return i
		}
	}
	return -1
}

// qualified joins a prefix and a local name as they are written.
func qualified(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}

// checkAttrs applies the namespace declarations of a start tag and checks
// what encoding/xml does not: namespace declarations that XML Namespaces
// forbids, undeclared attribute prefixes, duplicate attributes (by name as
// written and by namespace and local name), and character references to
// forbidden characters.
func checkAttrs(doc []byte, cs charset, tag *startTag, bindings *[]binding,
	lookup func(string) (string, bool), bad func(int, string) error) error {
	type rawName struct{ prefix, local string }
	var names map[rawName]bool // only for tags with many attributes
	if len(tag.attrs) > 16 {
		names = make(map[rawName]bool, len(tag.attrs))
	}
	for i, a := range tag.attrs {
		raw := doc[a.valStart:a.valEnd]
		if k := badCharRef(raw); k >= 0 {
			return bad(a.valStart+k, "character reference to a character XML does not allow")
		}
		dup := false
		if names != nil {
			k := rawName{a.prefix, a.local}
			dup, names[k] = names[k], true
		} else {
			for _, b := range tag.attrs[:i] {
				dup = dup || b.prefix == a.prefix && b.local == a.local
			}
		}
		if dup {
			return bad(a.nameStart, fmt.Sprintf("attribute %s appears twice in one start tag", qualified(a.prefix, a.local)))
		}
		switch {
		case a.prefix == "" && a.local == "xmlns":
			uri := string(appendCharData(nil, raw, cs, true))
			if uri == xmlNamespace || uri == xmlnsNamespace {
				return bad(a.nameStart, fmt.Sprintf("the namespace %q may not be the default namespace", uri))
			}
			*bindings = append(*bindings, binding{"", uri})
		case a.prefix == "xmlns":
			uri := string(appendCharData(nil, raw, cs, true))
			switch {
			case a.local == "xmlns":
				return bad(a.nameStart, "the prefix xmlns may not be declared")
			case uri == "":
				return bad(a.nameStart, fmt.Sprintf("namespace prefix %q may not be undeclared (xmlns:%s=\"\")", a.local, a.local))
			case (a.local == "xml") != (uri == xmlNamespace), uri == xmlnsNamespace:
				return bad(a.nameStart, fmt.Sprintf("namespace prefix %q may not be bound to %q", a.local, uri))
			}
			*bindings = append(*bindings, binding{a.local, uri})
		}
	}
	type expanded struct{ space, local string }
	var seen map[expanded]bool
	for _, a := range tag.attrs {
		if a.prefix == "" || a.prefix == "xmlns" {
			continue
		}
		space, ok := lookup(a.prefix)
		if !ok {
			return bad(a.nameStart, fmt.Sprintf("namespace prefix %q of attribute %s:%s is not declared", a.prefix, a.prefix, a.local))
		}
		if seen == nil {
			seen = map[expanded]bool{}
		}
		k := expanded{space, a.local}
		if seen[k] {
			return bad(a.nameStart, fmt.Sprintf("attribute %s:%s repeats another attribute of the same namespace and name", a.prefix, a.local))
		}
		seen[k] = true
	}
	return nil
}

// matchStep reports whether an element (at depth, whose ancestors matched
// the steps before) matches step st, and remembers near misses.
func (r *scanResult) matchStep(st Step, depth int, tag *startTag, space string, line int) bool {
	if tag.local != st.Local {
		return false
	}
	if space != st.Space {
		r.noteMiss(&nearMiss{depth: depth, line: line, space: space})
		return false
	}
	if st.AttrName == "" {
		return true
	}
	if v, ok := r.attrText(tag, st.AttrName); ok && v == st.AttrValue {
		return true
	}
	r.noteMiss(&nearMiss{depth: depth, line: line, space: space, attr: true})
	return false
}

func (r *scanResult) noteMiss(m *nearMiss) {
	if r.miss == nil || m.depth > r.miss.depth {
		r.miss = m
	}
}

// attrText returns the normalized value of the un-namespaced attribute name.
func (r *scanResult) attrText(tag *startTag, name string) (string, bool) {
	a, ok := tag.find(name)
	if !ok {
		return "", false
	}
	return string(appendCharData(nil, r.doc[a.valStart:a.valEnd], r.cs, true)), true
}

// find returns the un-namespaced attribute name of the tag. Namespace
// declarations (xmlns) are not attributes in the namespace sense.
func (t *startTag) find(name string) (attr, bool) {
	for _, a := range t.attrs {
		if a.prefix == "" && a.local == name && name != "xmlns" {
			return a, true
		}
	}
	return attr{}, false
}
