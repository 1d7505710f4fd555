package propedit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"
)

// javaDump is a Java program that loads each file named on its command
// line with java.util.Properties.load(InputStream), the way the runtime
// loads jndi.properties, and prints its keys and values (every character
// outside printable ASCII, and the backslash, as \uXXXX), or ERROR when
// Java refuses the file.
const javaDump = `
import java.io.FileInputStream;
import java.util.Properties;
import java.util.TreeMap;

public class Dump {
    static String esc(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c > 0x7e || c == '\\') b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
    public static void main(String[] args) throws Exception {
        for (String name : args) {
            Properties p = new Properties();
            try (FileInputStream in = new FileInputStream(name)) {
                p.load(in);
                TreeMap<String, String> sorted = new TreeMap<>();
                for (String k : p.stringPropertyNames()) sorted.put(esc(k), esc(p.getProperty(k)));
                for (var e : sorted.entrySet()) System.out.println(e.getKey() + "\t" + e.getValue());
            } catch (IllegalArgumentException e) {
                System.out.println("ERROR");
            }
            System.out.println("--");
        }
    }
}
`

// escJava is javaDump's esc on the UTF-16 units of s.
func escJava(s string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		if u < 0x20 || u > 0x7e || u == '\\' {
			fmt.Fprintf(&b, "\\u%04x", u)
		} else {
			b.WriteRune(rune(u))
		}
	}
	return b.String()
}

// dump is what javaDump prints for doc, from this package's reading:
// every key with its last value (Java's Properties keeps the last), or
// ERROR for a document this package refuses as malformed.
func dump(doc []byte) string {
	d, err := parse(doc)
	switch {
	case err != nil && strings.Contains(err.Error(), "Java versions"):
		return "NOT COMPARED\n"
	case errors.Is(err, ErrMalformed):
		return "ERROR\n"
	}
	last := map[string]string{}
	for _, v := range d.entries {
		last[escJava(v.Key)] = escJava(v.Text)
	}
	keys := make([]string, 0, len(last))
	for k := range last {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s\t%s\n", k, last[k])
	}
	return b.String()
}

// javaPieces are what the generated documents are made of: every
// character the syntax gives a meaning to, and plain ones.
var javaPieces = []string{"a", "b", "k", "=", ":", " ", "\t", "\f", "\\", "\\", "\n", "\r", "\r\n", "#", "!", "\\u0041", "\\u00", "\\ud83d\\ude00", "\xe9", "tcp://localhost:5672"}

// TestJavaProperties compares this package's reading with Java's own
// (java.util.Properties of the JDK on PATH; skipped without one) on the
// fixtures, the seeds and generated documents full of the syntax's corner
// cases: the same keys with the same values, and the same documents
// refused. Two kinds of document are not compared: one with a lone UTF-16
// surrogate, a Java character but no Unicode one, which this package reads
// as U+FFFD; and the form parse refuses because Java 8 (the runtime of
// APIM 2.x) and the line reader JDK 9 rewrote read it differently (a line
// holding only a continuation, continued onto one that starts with '#').
func TestJavaProperties(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("no java on PATH")
	}
	var docs [][]byte
	for _, name := range fixtureNames {
		docs = append(docs, fixture(t, name))
	}
	for _, s := range smallDocs {
		docs = append(docs, []byte(s))
	}
	rng := rand.New(rand.NewSource(1))
	for range 3000 {
		var b bytes.Buffer
		for range rng.Intn(24) {
			b.WriteString(javaPieces[rng.Intn(len(javaPieces))])
		}
		docs = append(docs, b.Bytes())
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "Dump.java")
	if err := os.WriteFile(src, []byte(javaDump), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{src}
	for i, doc := range docs {
		name := filepath.Join(dir, fmt.Sprintf("%d.properties", i))
		if err := os.WriteFile(name, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, name)
	}
	cmd := exec.Command(java, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	var got strings.Builder
	i := 0
	for sc.Scan() {
		if sc.Text() != "--" {
			got.WriteString(sc.Text() + "\n")
			continue
		}
		if want := dump(docs[i]); got.String() != want && !strings.Contains(want, `\ufffd`) && want != "NOT COMPARED\n" {
			t.Errorf("document %q:\nJava reads\n%s\nthis package\n%s", docs[i], got.String(), want)
		}
		got.Reset()
		i++
	}
	if i != len(docs) {
		t.Fatalf("Java answered for %d of %d documents", i, len(docs))
	}
}
