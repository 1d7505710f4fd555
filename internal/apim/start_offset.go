package apim

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// An instance started with -DportOffset=N listens at offset N, whatever its
// config file says: Carbon reads the offset as System.getProperty("portOffset",
// <the file's offset>) (carbon-kernel CarbonUtils.getPortFromServerConfig;
// on 3.x and later the file's offset reaches carbon.xml from deployment.toml).
// The flag can come from the start script (a JAVA_OPTS it sets, or its java
// command line) or from the systemd unit that runs the script (JAVA_OPTS in
// Environment=, or an argument in ExecStart=). ScriptOffset and UnitOffset
// find the active one in each file, Winner picks the one the JVM ends up
// with. They read the files as text, the way an operator would, not as a
// shell or systemd would run them: a flag behind a variable
// (-DportOffset=$N) is an error, since its value cannot be known, and
// variables, conditionals, included files (EnvironmentFile=, drop-ins) and
// the values a script reassigns are not followed.

// OffsetSource says where the offset an instance uses comes from.
type OffsetSource string

// The places an offset can come from.
const (
	FromConfigFile  OffsetSource = "config_file"
	FromStartScript OffsetSource = "start_script"
	FromSystemdUnit OffsetSource = "systemd_unit"
)

// OffsetSources lists every OffsetSource.
var OffsetSources = []OffsetSource{FromConfigFile, FromStartScript, FromSystemdUnit}

// portOffsetFlag is the system property as written on a java command line.
const portOffsetFlag = "-DportOffset="

// StartOffset is one active -DportOffset=N of a start script or a systemd
// unit.
type StartOffset struct {
	Offset int64
	Source OffsetSource
	// Line is the line of the file it is on, from 1.
	Line int
	// place is where it lands on the java command line.
	place commandLinePlace
}

// commandLinePlace orders the places a -DportOffset can land in on the java
// command line, which the start scripts build as the JVM options, then
// $JAVA_OPTS, then their own -D options, then the main class and their own
// arguments ($*). When a property is given twice the last one counts: the
// JVM keeps the last -D option, and Carbon's launcher sets each -D argument
// after the main class as a system property again, in order, once the JVM
// has started (org.wso2.carbon.server.Main.processCmdLineArgs).
type commandLinePlace int

const (
	// inEnvironment: JAVA_OPTS or JVM_MEM_OPTS set by the systemd unit,
	// which the script puts before its own options. (A script that
	// prepended its own to $JAVA_OPTS would put the unit's after; the
	// shipped scripts set neither.)
	inEnvironment commandLinePlace = iota + 1
	// inScript: in the start script, a JAVA_OPTS it sets or its java
	// command line.
	inScript
	// inArguments: an argument of the start script (in the unit's
	// ExecStart=), passed on after the main class.
	inArguments
)

// Winner returns the start offset the instance runs with, the one latest on
// the java command line among found (at the same place, the later in
// found), and false when found is empty: the config file's offset counts.
func Winner(found ...StartOffset) (StartOffset, bool) {
	var best StartOffset
	for _, s := range found {
		if s.place >= best.place {
			best = s
		}
	}
	return best, best.place != 0
}

// ScriptOffset finds the -DportOffset=N a start script passes, in a
// JAVA_OPTS it sets or on its java command line; found is false when it
// passes none. Shell comments (# at the start of a word, to the end of the
// line) do not count; quotes and backslashes are read as sh reads them, so
// "-DportOffset=5" and JAVA_OPTS="$JAVA_OPTS -DportOffset=5" count. Of
// several, the last in the file counts: the script sets its variables before
// the java command that uses them, and that command's own options come
// after $JAVA_OPTS. A value that is not a whole number from 0 to MaxOffset
// is an error, as the runtime could not start with it either.
func ScriptOffset(script []byte) (s StartOffset, found bool, err error) {
	for _, w := range shellWords(script) {
		for _, f := range fieldsOf(w) {
			at := strings.Index(f.text, portOffsetFlag)
			if at < 0 || at > 0 && f.text[at-1] != '=' {
				continue
			}
			n, err := offsetValue(f.text[at+len(portOffsetFlag):], f.line)
			if err != nil {
				return StartOffset{}, false, err
			}
			s, found = StartOffset{Offset: n, Source: FromStartScript, Line: f.line, place: inScript}, true
		}
	}
	return s, found, nil
}

// optsVariables are the variables the start scripts put on the java command
// line, in the order they appear there.
var optsVariables = []string{"JVM_MEM_OPTS", "JAVA_OPTS"}

// UnitOffset finds the -DportOffset=N a systemd unit passes to the start
// script it runs, in its [Service] section: in JAVA_OPTS or JVM_MEM_OPTS of
// Environment= (or a NAME=value word of ExecStart=, as env takes it), or as
// an argument in ExecStart=. found is false when it passes none. Lines
// starting with # or ; are comments, a trailing backslash continues a line,
// a later assignment of a variable replaces an earlier one and an empty
// Environment= or ExecStart= clears the ones before, as systemd reads them.
// An argument wins over the environment (it comes last on the java command
// line); of several of one kind, the last counts.
func UnitOffset(unit []byte) (s StartOffset, found bool, err error) {
	type assignment struct {
		value string
		line  int
	}
	env := map[string]assignment{}
	var args []field
	section := ""
	for _, l := range unitLines(unit) {
		if strings.HasPrefix(l.text, "[") {
			section = l.text
			continue
		}
		key, value, ok := strings.Cut(l.text, "=")
		if !ok || section != "[Service]" {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.TrimSpace(key) {
		case "Environment":
			if value == "" {
				env = map[string]assignment{}
			}
			for _, w := range unitWords(value) {
				if name, v, ok := strings.Cut(w, "="); ok {
					env[name] = assignment{v, l.line}
				}
			}
		case "ExecStart":
			args = nil
			for _, w := range unitWords(value) {
				if name, v, ok := strings.Cut(w, "="); ok && isOptsVariable(name) {
					env[name] = assignment{v, l.line}
					continue
				}
				for _, f := range strings.Fields(w) {
					args = append(args, field{f, l.line})
				}
			}
		}
	}
	var candidates []StartOffset
	add := func(word string, line int, place commandLinePlace) error {
		n, ok, err := flagValue(word, line)
		if ok {
			candidates = append(candidates, StartOffset{Offset: n, Source: FromSystemdUnit, Line: line, place: place})
		}
		return err
	}
	for _, name := range optsVariables {
		a := env[name]
		for _, f := range strings.Fields(a.value) {
			if err := add(f, a.line, inEnvironment); err != nil {
				return StartOffset{}, false, err
			}
		}
	}
	for _, f := range args {
		if err := add(f.text, f.line, inArguments); err != nil {
			return StartOffset{}, false, err
		}
	}
	s, found = Winner(candidates...)
	return s, found, nil
}

func isOptsVariable(name string) bool {
	for _, v := range optsVariables {
		if name == v {
			return true
		}
	}
	return false
}

// flagValue is the offset of a word on line that is -DportOffset=N; ok is
// false for any other word.
func flagValue(word string, line int) (n int64, ok bool, err error) {
	value, ok := strings.CutPrefix(word, portOffsetFlag)
	if !ok {
		return 0, false, nil
	}
	n, err = offsetValue(value, line)
	return n, err == nil, err
}

// offsetValue reads N of -DportOffset=N on line.
func offsetValue(value string, line int) (int64, error) {
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || n < 0 || n > MaxOffset() || strings.HasPrefix(value, "+") {
		return 0, &ValueError{fmt.Sprintf("line %d passes %s%s, not a whole number from 0 to %d: the provider cannot tell which offset the instance uses (a value behind a variable is not followed); write the number itself, or remove the flag and set the offset in the config file",
			line, portOffsetFlag, value, MaxOffset())}
	}
	return n, nil
}

// field is a blank-separated part of a word, with the line it starts on.
type field struct {
	text string
	line int
}

// word is one shell word with its quotes removed, and the line each of its
// bytes is on.
type word struct {
	text  []byte
	lines []int
}

// fieldsOf splits a word at blanks, as an unquoted $JAVA_OPTS is split when
// the script uses it.
func fieldsOf(w word) []field {
	var fields []field
	start := -1
	for i := 0; i <= len(w.text); i++ {
		if i < len(w.text) && !isShellBlank(w.text[i]) && w.text[i] != '\n' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			fields = append(fields, field{string(w.text[start:i]), w.lines[start]})
			start = -1
		}
	}
	return fields
}

func isShellBlank(c byte) bool { return c == ' ' || c == '\t' }

// shellWords splits a shell script into its words as sh reads them, without
// comments: a # at the start of a word begins a comment that runs to the
// end of the line; 'single' quotes take everything literally, "double"
// quotes everything but \" \\ \$ \` and a backslash-newline; an unquoted
// backslash takes the next byte literally, a backslash-newline joins two
// lines; blanks, newlines and the operator characters ;&|()<> end a word.
// Expansions ($x, $(...), `...`) stay as they are written.
func shellWords(src []byte) []word {
	var words []word
	var cur word
	started := false // a word has begun, possibly empty ("")
	line := 1
	add := func(c byte) {
		cur.text = append(cur.text, c)
		cur.lines = append(cur.lines, line)
		started = true
		if c == '\n' {
			line++
		}
	}
	end := func() {
		if started {
			words = append(words, cur)
		}
		cur, started = word{}, false
	}
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\\':
			if i+1 == len(src) {
				break
			}
			i++
			if src[i] == '\n' {
				line++
				continue
			}
			add(src[i])
		case c == '\'':
			started = true
			for i++; i < len(src) && src[i] != '\''; i++ {
				add(src[i])
			}
		case c == '"':
			started = true
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' && i+1 < len(src) && bytes.IndexByte([]byte("\"\\$`\n"), src[i+1]) >= 0 {
					i++
					if src[i] == '\n' {
						line++
						continue
					}
				}
				add(src[i])
			}
		case c == '#' && !started:
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
		case c == '\n':
			end()
			line++
		case isShellBlank(c) || bytes.IndexByte([]byte(";&|()<>"), c) >= 0:
			end()
		default:
			add(c)
		}
	}
	end()
	return words
}

// unitLine is one setting or section header of a systemd unit, its
// continuation lines joined, with the line it starts on.
type unitLine struct {
	text string
	line int
}

// unitLines splits a systemd unit into its settings and section headers:
// lines starting with # or ; (after blanks) are comments, also between
// continued lines; a line ending in a backslash continues on the next, the
// backslash read as a blank.
func unitLines(src []byte) []unitLine {
	var lines []unitLine
	var cur strings.Builder
	start := 0
	for i, raw := range strings.Split(string(src), "\n") {
		l := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if strings.HasPrefix(l, "#") || strings.HasPrefix(l, ";") {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if more, ok := strings.CutSuffix(l, "\\"); ok {
			cur.WriteString(more + " ")
			continue
		}
		cur.WriteString(l)
		if text := strings.TrimSpace(cur.String()); text != "" {
			lines = append(lines, unitLine{text, start})
		}
		cur.Reset()
	}
	if text := strings.TrimSpace(cur.String()); text != "" {
		lines = append(lines, unitLine{text, start})
	}
	return lines
}

// unitWords splits a systemd value into words as systemd does for
// Environment= and ExecStart=: at blanks, "double" or 'single' quotes
// keeping blanks in a word, a backslash taking the next character
// literally.
func unitWords(value string) []string {
	var words []string
	var cur strings.Builder
	started := false
	var quote byte
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == '\\' && i+1 < len(value):
			i++
			cur.WriteByte(value[i])
			started = true
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote, started = c, true
		case c == ' ' || c == '\t':
			if started {
				words = append(words, cur.String())
			}
			cur.Reset()
			started = false
		default:
			cur.WriteByte(c)
			started = true
		}
	}
	if started {
		words = append(words, cur.String())
	}
	return words
}
