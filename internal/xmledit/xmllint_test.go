package xmledit

import (
	"bytes"
	"errors"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDifferentialXmllint compares the package's verdict on well-formedness
// with libxml2's (xmllint), on generated documents full of XML's corner
// cases. It is a development check, run only with XMLEDIT_XMLLINT=1 and
// xmllint installed: the package must never accept what libxml2 refuses.
func TestDifferentialXmllint(t *testing.T) {
	if os.Getenv("XMLEDIT_XMLLINT") == "" {
		t.Skip("set XMLEDIT_XMLLINT=1 (needs xmllint) to compare with libxml2")
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint not installed")
	}
	seed := int64(1)
	if s := os.Getenv("XMLEDIT_XMLLINT_SEED"); s != "" {
		seed = int64(len(s))
	}
	rng := rand.New(rand.NewSource(seed))
	n := 3000
	if s := os.Getenv("XMLEDIT_XMLLINT_N"); s != "" {
		n = len(s) * 1000
	}
	accepted, refused, stricter := 0, 0, 0
	for i := 0; i < n; i++ {
		doc := genDoc(rng)
		_, err := scan(doc, nil)
		if errors.Is(err, ErrEncoding) {
			continue
		}
		cmd := exec.Command("xmllint", "--noout", "--nonet", "-")
		cmd.Stdin = bytes.NewReader(doc)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		runErr := cmd.Run()
		// libxml2 also complains about namespace names that are not valid
		// URIs; XML Namespaces only deprecates those (Java's parser takes
		// them), so that complaint alone does not count.
		complaints := 0
		for _, line := range strings.Split(stderr.String(), "\n") {
			if strings.HasPrefix(line, "-:") && !strings.Contains(line, "is not a valid URI") && !strings.Contains(line, "parser warning") {
				complaints++
			}
		}
		lintOK := runErr == nil && complaints == 0
		switch {
		case err == nil && !lintOK:
			t.Errorf("accepted, but libxml2 refuses %q:\n%s", doc, stderr.String())
		case err != nil && lintOK:
			stricter++
			if stricter <= 15 {
				t.Logf("refused what libxml2 accepts: %q: %v", doc, err)
			}
		case err == nil:
			accepted++
		default:
			refused++
		}
	}
	t.Logf("both accept %d, both refuse %d, only xmledit refuses %d", accepted, refused, stricter)
}

// genDoc builds a mostly well-formed document and then, often, damages it
// with one fragment of XML trouble.
func genDoc(rng *rand.Rand) []byte {
	var b strings.Builder
	switch rng.Intn(6) {
	case 0:
		b.WriteString(`<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n")
	case 1:
		b.WriteString(`<?xml version='1.0' encoding='UTF-8' standalone='yes'?>`)
	case 2:
		b.WriteString("\xef\xbb\xbf")
	}
	if rng.Intn(8) == 0 {
		b.WriteString("<!DOCTYPE a>\n")
	}
	if rng.Intn(4) == 0 {
		b.WriteString("<!-- head -->\n")
	}
	genElement(rng, &b, 0, []string{"xml"})
	if rng.Intn(4) == 0 {
		b.WriteString("\n<!-- tail --><?pi tail?>\n")
	}
	doc := b.String()
	if rng.Intn(3) > 0 {
		frag := trouble[rng.Intn(len(trouble))]
		at := rng.Intn(len(doc) + 1)
		doc = doc[:at] + frag + doc[at:]
	}
	return []byte(doc)
}

var trouble = []string{
	"<", ">", "&", "]]>", "--", "<!--", "-->", "<![CDATA[", "\x01", "\x00", "\xe9", "\xc3\xa9", "\xff",
	"<a>", "</a>", "<a/>", "x", " ", "\r", "\r\n", "&#xD800;", "&#0;", "&#x10FFFF;", "&#xFFFE;", "&amp", "&foo;",
	`<b x="1" x="2"/>`, `<b x="1"y="2"/>`, `<p:b/>`, `<b p:x="1"/>`, `<b xmlns:p=""/>`, `<b xmlns:xml="urn:x"/>`,
	`<b xmlns:q="http://www.w3.org/XML/1998/namespace"/>`, `<xmlns:b/>`, `<b:c:d/>`, `<:b/>`, `<b:/>`,
	"<?xml version='1.0'?>", "<?XML x?>", "<?pi?>", "<?p:i x?>", "<!DOCTYPE a>", "<!ELEMENT a ANY>",
	"<b x='<'/>", "<b x='&#10;'/>", "<1/>", "<-b/>", "<b\xe9/>", "<b\xd7/>", "</b >", "<b/ >", "<b x=1/>",
}

func genElement(rng *rand.Rand, b *strings.Builder, depth int, prefixes []string) {
	names := []string{"a", "b", "Offset", "Ports", "parameter"}
	name := names[rng.Intn(len(names))]
	var attrs []string
	if rng.Intn(4) == 0 {
		attrs = append(attrs, `xmlns:p="urn:p"`)
		prefixes = append(prefixes, "p")
	}
	if rng.Intn(5) == 0 {
		attrs = append(attrs, `xmlns="urn:d"`)
	}
	if rng.Intn(6) == 0 && len(prefixes) > 0 {
		name = prefixes[rng.Intn(len(prefixes))] + ":" + name
	}
	for _, a := range []string{"name", "x", "uri"} {
		if rng.Intn(3) == 0 {
			q := `"`
			if rng.Intn(2) == 0 {
				q = "'"
			}
			vals := []string{"1", "a&amp;b", "&#65;", "\t", "\n", "é", "it's"}
			v := vals[rng.Intn(len(vals))]
			if strings.Contains(v, q) {
				v = "v"
			}
			attrs = append(attrs, a+"="+q+v+q)
		}
	}
	b.WriteString("<" + name)
	for _, a := range attrs {
		b.WriteString([]string{" ", "\n  ", "\t"}[rng.Intn(3)] + a)
	}
	if rng.Intn(5) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteString(">")
	for k := rng.Intn(4); k > 0; k-- {
		switch rng.Intn(8) {
		case 0, 1:
			if depth < 4 {
				b.WriteString("\n  ")
				genElement(rng, b, depth+1, prefixes)
			}
		case 2:
			b.WriteString([]string{"7", "text &lt; &amp;", "\r\n", "é"}[rng.Intn(4)])
		case 3:
			b.WriteString("<!-- c -->")
		case 4:
			b.WriteString("<![CDATA[<x>]]>")
		case 5:
			b.WriteString("<?pi x?>")
		default:
			b.WriteString("\n")
		}
	}
	b.WriteString("</" + name + ">")
}
