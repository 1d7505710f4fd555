package apim

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// The shipped start scripts pass no -DportOffset: every instance started
// with them uses its file's offset.
func TestScriptOffset_shipped(t *testing.T) {
	for _, rel := range []string{
		"apim-2.1.0/bin/wso2server.sh",
		"apim-3.2.0/bin/wso2server.sh",
		"apim-4.2.0/bin/api-manager.sh",
		"apim-4.7.0/bin/api-manager.sh",
		"apim-4.7.0-api-control-plane/bin/api-cp.sh",
		"apim-4.7.0-gateway/bin/gateway.sh",
		"apim-4.7.0-traffic-manager/bin/traffic-manager.sh",
	} {
		if s, found, err := ScriptOffset(fixture(t, rel)); err != nil || found {
			t.Errorf("%s: %+v, %v, %v; want none", rel, s, found, err)
		}
	}
}

// javaLine is the line of the shipped 4.2.0 api-manager.sh after which an
// operator adds an option to the java command.
const javaLine = "    $JAVA_OPTS \\\n"

// In a real script: a -DportOffset added to the java command line, in a
// JAVA_OPTS assignment, or commented out in each way a shell comments.
func TestScriptOffset_inShippedScript(t *testing.T) {
	shipped := fixture(t, "apim-4.2.0/bin/api-manager.sh")
	lineOf := func(doc []byte, s string) int {
		return bytes.Count(doc[:bytes.Index(doc, []byte(s))], []byte("\n")) + 1
	}
	withJava := func(option string) []byte {
		return bytes.Replace(shipped, []byte(javaLine), []byte(javaLine+option+"\n"), 1)
	}
	header := []byte("#!/bin/sh\n")
	withTop := func(lines string) []byte {
		return bytes.Replace(shipped, header, append(bytes.Clone(header), lines...), 1)
	}
	for _, tc := range []struct {
		name  string
		doc   []byte
		want  int64 // -1: none
		found string
	}{
		{"java command line", withJava("    -DportOffset=7 \\"), 7, "-DportOffset=7"},
		{"quoted on the java command line", withJava(`    "-DportOffset=8" \`), 8, "-DportOffset=8"},
		{"value quoted", withJava(`    -DportOffset="9" \`), 9, `-DportOffset="9"`},
		{"commented out java option", withJava("#    -DportOffset=7 \\"), -1, ""},
		{"JAVA_OPTS appended", withTop("JAVA_OPTS=\"$JAVA_OPTS -DportOffset=4\"\n"), 4, "JAVA_OPTS="},
		{"JAVA_OPTS single quotes", withTop("export JAVA_OPTS='-Xmx2g -DportOffset=5'\n"), 5, "export JAVA_OPTS="},
		{"JAVA_OPTS unquoted", withTop("JAVA_OPTS=-DportOffset=6; export JAVA_OPTS\n"), 6, "JAVA_OPTS=-D"},
		{"commented-out assignment", withTop("#JAVA_OPTS=\"-DportOffset=4\"\n"), -1, ""},
		{"indented comment", withTop("   # JAVA_OPTS=\"-DportOffset=4\"\n"), -1, ""},
		{"# after code", withTop("JAVA_OPTS=\"-Xmx2g\" # -DportOffset=4\n"), -1, ""},
		{"# after code, then a real one", withTop("JAVA_OPTS=-DportOffset=3 # was -DportOffset=4\n"), 3, "JAVA_OPTS=-DportOffset=3"},
		{"# inside a word is no comment", withTop("X=a#b JAVA_OPTS=-DportOffset=2\n"), 2, "X=a#b"},
		{"# inside quotes is no comment", withTop("JAVA_OPTS=\"#x -DportOffset=2\"\n"), 2, "JAVA_OPTS=\"#x"},
		{"# on a continued line", withJava("    # -DportOffset=7 \\"), -1, ""},
		{"escaped", withTop("JAVA_OPTS=\\-DportOffset=1\n"), 1, "JAVA_OPTS=\\-D"},
		{"multi-line JAVA_OPTS", withTop("JAVA_OPTS=\"-Xms1g\n  -DportOffset=11\n  -Xmx2g\"\n"), 11, "  -DportOffset=11"},
		// The assignment comes first, the java line later and after
		// $JAVA_OPTS: the java line wins, as on the command line.
		{"several: the last", bytes.Replace(withJava("    -DportOffset=7 \\"), header, []byte("#!/bin/sh\nJAVA_OPTS=-DportOffset=3\n"), 1), 7, "-DportOffset=7"},
		{"other property", withJava("    -DportOffsetX=7 -Dfoo.portOffset=3 -DnotportOffset=2 \\"), -1, ""},
		{"not a flag", withTop("echo X-DportOffset=7\n"), -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, found, err := ScriptOffset(tc.doc)
			if tc.want < 0 {
				expectStartOffset(t, s, found, err, nil)
				return
			}
			expectStartOffset(t, s, found, err, &StartOffset{Offset: tc.want, Source: FromStartScript, Line: lineOf(tc.doc, tc.found), place: inScript})
		})
	}
}

// expectStartOffset fails t unless a parse found want without an error,
// or found none when want is nil.
func expectStartOffset(t *testing.T, got StartOffset, found bool, err error, want *StartOffset) {
	t.Helper()
	switch {
	case err != nil:
		t.Fatal(err)
	case want == nil && found:
		t.Fatalf("found %+v, want none", got)
	case want != nil && (!found || got != *want):
		t.Fatalf("got %+v (found %v), want %+v", got, found, *want)
	}
}

func TestScriptOffset_badValue(t *testing.T) {
	for _, tc := range []struct{ doc, line string }{
		{"java -DportOffset=$OFFSET Main\n", "line 1"},
		{"#!/bin/sh\nJAVA_OPTS=\"-DportOffset=${N:-3}\"\n", "line 2"},
		{"java -DportOffset= Main\n", "line 1"},
		{"java -DportOffset=-1 Main\n", "line 1"},
		{"java -DportOffset=+1 Main\n", "line 1"},
		{"java -DportOffset=54425 Main\n", "line 1"},
		{"java -DportOffset=99999999999999999999 Main\n", "line 1"},
		{"java \"-DportOffset=3;\" Main\n", "line 1"},
	} {
		_, _, err := ScriptOffset([]byte(tc.doc))
		var ve *ValueError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.line) || !strings.Contains(err.Error(), "-DportOffset=") {
			t.Errorf("%q: %v, want a ValueError naming %s", tc.doc, err, tc.line)
		}
	}
	if s, found, err := ScriptOffset([]byte("java -DportOffset=54424 Main\n")); err != nil || !found || s.Offset != MaxOffset() {
		t.Errorf("the largest offset: %+v, %v, %v", s, found, err)
	}
}

const unitHead = "[Unit]\nDescription=WSO2 API Manager\nAfter=network.target\n\n[Service]\nType=forking\nUser=wso2\n"

func TestUnitOffset(t *testing.T) {
	exec := "ExecStart=/opt/wso2am-4.2.0/bin/api-manager.sh start\n"
	for _, tc := range []struct {
		name  string
		unit  string
		want  int64 // -1: none
		line  int
		place commandLinePlace
	}{
		{"none", unitHead + exec, -1, 0, 0},
		{"argument", unitHead + "ExecStart=/opt/wso2am-4.2.0/bin/api-manager.sh -DportOffset=3 start\n", 3, 8, inArguments},
		{"quoted argument", unitHead + "ExecStart=/opt/am/bin/api-manager.sh \"-DportOffset=4\" start\n", 4, 8, inArguments},
		{"in sh -c", unitHead + "ExecStart=/bin/sh -c '/opt/am/bin/api-manager.sh -DportOffset=5 start'\n", 5, 8, inArguments},
		{"Environment", unitHead + "Environment=JAVA_OPTS=-DportOffset=6\n" + exec, 6, 8, inEnvironment},
		{"Environment quoted", unitHead + "Environment=\"JAVA_OPTS=-Xmx2g -DportOffset=7\" \"JAVA_HOME=/usr/lib/jvm/java-11\"\n" + exec, 7, 8, inEnvironment},
		{"JVM_MEM_OPTS", unitHead + "Environment=JVM_MEM_OPTS=\"-Xms1g -DportOffset=8\"\n" + exec, 8, 8, inEnvironment},
		// JAVA_OPTS comes after JVM_MEM_OPTS on the java command line.
		{"JAVA_OPTS after JVM_MEM_OPTS", unitHead + "Environment=JAVA_OPTS=-DportOffset=9\nEnvironment=JVM_MEM_OPTS=-DportOffset=8\n" + exec, 9, 8, inEnvironment},
		{"env in ExecStart", unitHead + "ExecStart=/usr/bin/env JAVA_OPTS=-DportOffset=10 /opt/am/bin/api-manager.sh start\n", 10, 8, inEnvironment},
		{"other variable", unitHead + "Environment=OFFSET_OPTS=-DportOffset=6\n" + exec, -1, 0, 0},
		{"reassigned", unitHead + "Environment=JAVA_OPTS=-DportOffset=6\nEnvironment=JAVA_OPTS=-Xmx2g\n" + exec, -1, 0, 0},
		{"Environment reset", unitHead + "Environment=JAVA_OPTS=-DportOffset=6\nEnvironment=\n" + exec, -1, 0, 0},
		{"ExecStart reset", unitHead + "ExecStart=/opt/am/bin/api-manager.sh -DportOffset=3\nExecStart=\n" + exec, -1, 0, 0},
		{"the last ExecStart", unitHead + "ExecStart=/opt/am/bin/api-manager.sh -DportOffset=3\nExecStart=/opt/am/bin/api-manager.sh -DportOffset=4\n", 4, 9, inArguments},
		{"several arguments: the last", unitHead + "ExecStart=/opt/am/bin/api-manager.sh -DportOffset=3 -DportOffset=12\n", 12, 8, inArguments},
		// An argument comes after every JVM option.
		{"argument over environment", unitHead + "ExecStart=/opt/am/bin/api-manager.sh -DportOffset=3\nEnvironment=JAVA_OPTS=-DportOffset=6\n", 3, 8, inArguments},
		{"# comment", unitHead + "#ExecStart=/opt/am/bin/api-manager.sh -DportOffset=3\n" + exec, -1, 0, 0},
		{"; comment", unitHead + "  ; Environment=JAVA_OPTS=-DportOffset=6\n" + exec, -1, 0, 0},
		{"continued", unitHead + "ExecStart=/opt/am/bin/api-manager.sh \\\n  -DportOffset=13 \\\n  start\n", 13, 8, inArguments},
		{"comment between continued lines", unitHead + "ExecStart=/opt/am/bin/api-manager.sh \\\n# -DportOffset=13 \\\n  start\n", -1, 0, 0},
		{"other section", "[Install]\nExecStart=/opt/am/bin/api-manager.sh -DportOffset=3\n" + unitHead + exec, -1, 0, 0},
		{"ExecStartPre", unitHead + "ExecStartPre=/opt/am/bin/api-manager.sh -DportOffset=3\n" + exec, -1, 0, 0},
		{"CRLF", strings.ReplaceAll(unitHead+"Environment=JAVA_OPTS=-DportOffset=6\n", "\n", "\r\n"), 6, 8, inEnvironment},
		{"blanks around =", unitHead + "Environment = JAVA_OPTS=-DportOffset=6\n", 6, 8, inEnvironment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, found, err := UnitOffset([]byte(tc.unit))
			if tc.want < 0 {
				expectStartOffset(t, s, found, err, nil)
				return
			}
			expectStartOffset(t, s, found, err, &StartOffset{Offset: tc.want, Source: FromSystemdUnit, Line: tc.line, place: tc.place})
		})
	}
}

func TestUnitOffset_badValue(t *testing.T) {
	for _, unit := range []string{
		unitHead + "ExecStart=/opt/am/bin/api-manager.sh -DportOffset=${OFFSET}\n",
		unitHead + "Environment=JAVA_OPTS=-DportOffset=x\n",
	} {
		var ve *ValueError
		if _, _, err := UnitOffset([]byte(unit)); !errors.As(err, &ve) || !strings.Contains(err.Error(), "line 8") {
			t.Errorf("%q: %v, want a ValueError naming line 8", unit, err)
		}
	}
}

// The one the JVM ends up with: the latest place on the java command line,
// the unit's arguments over the script's own options over the unit's
// environment; none, and the config file counts.
func TestWinner(t *testing.T) {
	env := StartOffset{Offset: 1, Source: FromSystemdUnit, place: inEnvironment}
	script := StartOffset{Offset: 2, Source: FromStartScript, place: inScript}
	args := StartOffset{Offset: 3, Source: FromSystemdUnit, place: inArguments}
	for _, tc := range []struct {
		found []StartOffset
		want  StartOffset
	}{
		{[]StartOffset{script, env}, script},
		{[]StartOffset{env, script}, script},
		{[]StartOffset{script, args}, args},
		{[]StartOffset{args, script, env}, args},
		{[]StartOffset{env}, env},
	} {
		if got, ok := Winner(tc.found...); !ok || got != tc.want {
			t.Errorf("Winner(%+v) = %+v, %v; want %+v", tc.found, got, ok, tc.want)
		}
	}
	if got, ok := Winner(); ok {
		t.Errorf("Winner() = %+v, want none", got)
	}
}

// Every flag found is a valid offset on a line of the input, and a comment
// line added anywhere between lines, however it reads, changes nothing but
// the line numbers after it.
func FuzzScriptOffset(f *testing.F) {
	f.Add([]byte("JAVA_OPTS=\"$JAVA_OPTS -DportOffset=4\"\njava $JAVA_OPTS -DportOffset=7 Main # -DportOffset=9\n"))
	f.Add([]byte("'\"\\\n#x -DportOffset=1\n"))
	f.Add(fixture(f, "apim-2.1.0/bin/wso2server.sh"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, found, err := ScriptOffset(doc)
		checkFound(t, doc, s, found, err)
		// A comment line is only a comment outside quotes and
		// continuations: added at the start of the file it is one.
		with := append([]byte("# -DportOffset=99 \"'\\\n"), doc...)
		s2, found2, err2 := ScriptOffset(with)
		if (err == nil) != (err2 == nil) || found != found2 || found && (s2.Offset != s.Offset || s2.Line != s.Line+1) {
			t.Fatalf("a leading comment changed the result: %+v %v %v → %+v %v %v", s, found, err, s2, found2, err2)
		}
	})
}

func FuzzUnitOffset(f *testing.F) {
	f.Add([]byte(unitHead+"Environment=\"JAVA_OPTS=-DportOffset=7\"\nExecStart=/opt/am/bin/api-manager.sh \\\n -DportOffset=3\n"), 9)
	f.Add([]byte("[Service]\nExecStart=a '-DportOffset=1\\\n"), 1)
	f.Fuzz(func(t *testing.T, doc []byte, at int) {
		s, found, err := UnitOffset(doc)
		checkFound(t, doc, s, found, err)
		// A comment line between two lines changes nothing but the
		// numbers of the lines after it.
		lines := bytes.SplitAfter(doc, []byte("\n"))
		i := max(0, min(len(lines), at))
		if i > 0 && !bytes.HasSuffix(lines[i-1], []byte("\n")) {
			return
		}
		with := bytes.Join(append(append(append([][]byte{}, lines[:i]...), []byte("# ExecStart=x -DportOffset=99\n")), lines[i:]...), nil)
		s2, found2, err2 := UnitOffset(with)
		if (err == nil) != (err2 == nil) || found != found2 || found && s2.Offset != s.Offset {
			t.Fatalf("a comment line at %d changed the result: %+v %v %v → %+v %v %v", i, s, found, err, s2, found2, err2)
		}
	})
}

func checkFound(t *testing.T, doc []byte, s StartOffset, found bool, err error) {
	t.Helper()
	var ve *ValueError
	switch {
	case err != nil && !errors.As(err, &ve):
		t.Fatalf("error of another kind: %v", err)
	case err != nil && found:
		t.Fatalf("found %+v with an error", s)
	case found && (s.Offset < 0 || s.Offset > MaxOffset()):
		t.Fatalf("offset %d out of range", s.Offset)
	case found && (s.Line < 1 || s.Line > bytes.Count(doc, []byte("\n"))+1):
		t.Fatalf("line %d not in the input", s.Line)
	}
}
