package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// diagRecorder keeps the diagnostics the provider's data sources hand to
// Terraform, which shows them to the user: terraform-plugin-testing checks
// errors, not warnings.
type diagRecorder struct {
	mu    sync.Mutex
	diags []*tfprotov6.Diagnostic
}

// providers serves the provider as testProviders does, recording.
func (r *diagRecorder) providers() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"apim": func() (tfprotov6.ProviderServer, error) {
			s, err := testProviders["apim"]()
			return recordingServer{s, r}, err
		},
	}
}

type recordingServer struct {
	tfprotov6.ProviderServer
	rec *diagRecorder
}

func (s recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.rec.mu.Lock()
		s.rec.diags = append(s.rec.diags, resp.Diagnostics...)
		s.rec.mu.Unlock()
	}
	return resp, err
}

// expectWarnings is a check that the warnings recorded so far, each told
// once however often Terraform read the data sources, are exactly one
// matching each of want; none when want is empty.
func (r *diagRecorder) expectWarnings(want ...*regexp.Regexp) resource.TestCheckFunc {
	return func(*terraform.State) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		seen := map[string]bool{}
		var warnings []string
		for _, d := range r.diags {
			text := d.Summary + ": " + d.Detail
			if d.Severity == tfprotov6.DiagnosticSeverityWarning && !seen[text] {
				seen[text] = true
				warnings = append(warnings, text)
			}
		}
		if len(warnings) != len(want) {
			return fmt.Errorf("%d warnings, want %d:\n%s", len(warnings), len(want), strings.Join(warnings, "\n"))
		}
	next:
		for _, re := range want {
			for _, w := range warnings {
				if re.MatchString(w) {
					continue next
				}
			}
			return fmt.Errorf("no warning matches %s:\n%s", re, strings.Join(warnings, "\n"))
		}
		return nil
	}
}

// instanceData is an apim_instance data source named name reading home,
// with extra (HCL lines).
func instanceData(name, home string, extra ...string) string {
	return fmt.Sprintf("\ndata \"apim_instance\" %q {\n  apim_home = %q\n  %s\n}\n", name, home, strings.Join(extra, "\n  "))
}

// readInstances runs config, whose data sources must pass checks and warn
// exactly warnings.
func readInstances(t *testing.T, config string, checks []statecheck.StateCheck, warnings ...*regexp.Regexp) {
	t.Helper()
	rec := &diagRecorder{}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.providers(),
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: checks,
			Check:             rec.expectWarnings(warnings...),
		}},
	})
}

// dsFixture is a fixture home the data source is tested on, with what it
// must find there.
type dsFixture struct {
	name   string
	layout func(t *testing.T) string // a new copy of the home
	home   apim.Home
	// setOffset is the home's config file with the offset n set.
	setOffset func(t *testing.T, doc []byte, n int) []byte
	script    string // the start script the home ships
	// ws and wss are the WebSocket ports at offset 0, -1 where the home
	// opens none.
	ws, wss int64
}

func (f dsFixture) configFile() string { return f.home.Generation.ConfigFile() }

// newHomeWithScript is newHome with the 2.1.0 start script.
func newHomeWithScript(t *testing.T) string {
	home := newHome(t)
	copyFile(t, filepath.Join(fixtures, "apim-2.1.0", "bin/wso2server.sh"), filepath.Join(home, "bin/wso2server.sh"))
	return home
}

func carbonOffset(t *testing.T, doc []byte, n int) []byte {
	return replaceOnce(t, doc, "<Offset>0</Offset>", fmt.Sprintf("<Offset>%d</Offset>", n))
}

func tomlOffset(t *testing.T, doc []byte, n int) []byte { return withTOMLOffset(t, doc, fmt.Sprint(n)) }

// distDS is the dsFixture of distFixtures[i].
func distDS(i int, script string, ws, wss int64) dsFixture {
	d := distFixtures[i]
	v, _ := apim.ParseVersion(d.version)
	return dsFixture{
		name:      d.dir,
		layout:    func(t *testing.T) string { return newDistHome(t, d) },
		home:      apim.Home{Generation: apim.Deployment3, Version: v, Distribution: d.distribution},
		setOffset: tomlOffset,
		script:    script,
		ws:        ws, wss: wss,
	}
}

var (
	// 2.1.0 with the wss endpoint 2.2.0 ships, static files with
	// ws.use.port.offset = true; 3.2.0 with a static ws and a templated
	// wss; 4.2.0 and 4.7.0 with both templated.
	ds210 = dsFixture{"apim-2.1.0", newHomeWithScript, apim.Home{Generation: apim.Carbon2, Version: apim.Version{Major: 2, Minor: 1}, Distribution: apim.AllInOne},
		carbonOffset, "bin/wso2server.sh", 9099, 8099}
	ds320 = distDS(0, "bin/wso2server.sh", 9099, 8099)
	ds420 = distDS(2, "bin/api-manager.sh", 9099, 8099)
	ds470 = distDS(3, "bin/api-manager.sh", 9099, 8099)
	// The homes the issue names, then the other 4.7.0 distributions.
	dsFixtures = []dsFixture{ds210, ds320, ds420, ds470,
		distDS(4, "bin/api-cp.sh", -1, -1),
		distDS(5, "bin/gateway.sh", 9099, 8099),
		distDS(6, "bin/traffic-manager.sh", -1, -1),
	}
)

// at lays out a copy of f's home with its config file at offset fileOffset.
func (f dsFixture) at(t *testing.T, fileOffset int) string {
	home := f.layout(t)
	config := filepath.Join(home, f.configFile())
	writeFile(t, config, f.setOffset(t, readFile(t, config), fileOffset))
	return home
}

// withJavaOption adds option as a line of its own to the java command
// line of the home's start script, after $JAVA_OPTS, as an operator would.
func (f dsFixture) withJavaOption(t *testing.T, home, option string) {
	script := filepath.Join(home, f.script)
	writeFile(t, script, replaceOnce(t, readFile(t, script), "    $JAVA_OPTS \\\n", "    $JAVA_OPTS \\\n    "+option+" \\\n"))
}

// instanceWant is what a data source must hold.
type instanceWant struct {
	f                  dsFixture
	apimHome           string
	fileOffset, offset int64
	source             apim.OffsetSource
	systemdUnit        string // "" for none
	ssh                *sshtest.Server
	// bases are the port bases deployment.toml sets (apim.PortBases).
	bases map[string]int64
	// ws and wss override the fixture's WebSocket ports when not nil.
	ws, wss knownvalue.Check
}

func optionalPort(base, offset int64) knownvalue.Check {
	if base < 0 {
		return knownvalue.Null()
	}
	return knownvalue.Int64Exact(base + offset)
}

func stringOrNull(s string) knownvalue.Check {
	if s == "" {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(s)
}

// checks compare every attribute of the data source at addr with w.
func (w instanceWant) checks(addr string) []statecheck.StateCheck {
	ws, wss := w.ws, w.wss
	if ws == nil {
		ws = optionalPort(w.f.ws, w.offset)
	}
	if wss == nil {
		wss = optionalPort(w.f.wss, w.offset)
	}
	var ssh knownvalue.Check = knownvalue.Null()
	if w.ssh != nil {
		ssh = knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"host": knownvalue.StringExact(w.ssh.Host()),
			"port": knownvalue.Int64Exact(int64(w.ssh.Port())),
		})
	}
	want := map[string]knownvalue.Check{
		"apim_home":             knownvalue.StringExact(w.apimHome),
		"ssh":                   ssh,
		"systemd_unit":          stringOrNull(w.systemdUnit),
		"apim_version":          knownvalue.StringExact(w.f.home.Version.String()),
		"distribution":          knownvalue.StringExact(string(w.f.home.Distribution)),
		"config_file":           knownvalue.StringExact(filepath.Join(w.apimHome, w.f.configFile())),
		"file_offset":           knownvalue.Int64Exact(w.fileOffset),
		"offset":                knownvalue.Int64Exact(w.offset),
		"offset_source":         knownvalue.StringExact(string(w.source)),
		"ports":                 expectedPortsOn(w.f.home, w.offset, w.bases),
		"websocket_port":        ws,
		"websocket_secure_port": wss,
	}
	checks := []statecheck.StateCheck{}
	for name, check := range want {
		checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New(name), check))
	}
	return checks
}

// TestInstanceDataSource reads every fixture home at file offset 3, with its
// shipped start script: the offset, ports and WebSocket ports are the
// file's, nothing warns, and nothing in the home changes.
func TestInstanceDataSource(t *testing.T) {
	for _, f := range dsFixtures {
		t.Run(f.name, func(t *testing.T) {
			home := f.at(t, 3)
			before := allFiles(t, home)
			readInstances(t, instanceData("test", home),
				instanceWant{f: f, apimHome: home, fileOffset: 3, offset: 3, source: apim.FromConfigFile}.checks("data.apim_instance.test"))
			if err := expectAllFiles(before, nil); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestInstanceDataSource_missingFiles: 2.1.0 GA ships no secure WebSocket
// endpoint, so the instance opens none; a home without its start script
// (bin/ gone) runs at its file's offset.
func TestInstanceDataSource_missingFiles(t *testing.T) {
	home := ds210.at(t, 3)
	if err := os.Remove(filepath.Join(home, apim.SecureWebSocket.File)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(home, "bin")); err != nil {
		t.Fatal(err)
	}
	readInstances(t, instanceData("test", home), instanceWant{f: ds210, apimHome: home, fileOffset: 3, offset: 3, source: apim.FromConfigFile,
		wss: knownvalue.Null()}.checks("data.apim_instance.test"))
}

// TestInstanceDataSource_profileOptimized: a home whose start script
// replaced deployment.toml with a profile template is read as it stands,
// with a warning that the next optimising start replaces it again.
func TestInstanceDataSource_profileOptimized(t *testing.T) {
	home := ds420.at(t, 3)
	backup := filepath.Join(home, apim.DeploymentBackup)
	copyFile(t, filepath.Join(home, apim.DeploymentTOML), backup)
	readInstances(t, instanceData("test", home),
		instanceWant{f: ds420, apimHome: home, fileOffset: 3, offset: 3, source: apim.FromConfigFile}.checks("data.apim_instance.test"),
		diagText("Home Optimised for a Profile", "On the local host, "+backup+" exists", "--optimize -Dprofile=<profile>",
			"the next start with --optimize replaces it with the profile template's"))
}

// overrideWarningText matches the warning for a -DportOffset=flag in file
// (line) overriding fileOffset in config, on host, with the pieces also
// (about another flag) before the advice.
func overrideWarningText(summary, host, file string, line, flag int, config string, fileOffset int, also ...string) *regexp.Regexp {
	pieces := []string{summary, "On " + host + ", " + file + fmt.Sprintf(" passes -DportOffset=%d (line %d)", flag, line),
		fmt.Sprintf("instead of the offset in %s (%d)", config, fileOffset), fmt.Sprintf("runs at offset %d", flag)}
	return diagText(append(append(pieces, also...), "remove -DportOffset from "+file)...)
}

// lineOf is the line of the file name that holds s, from 1.
func lineOf(t *testing.T, name, s string) int {
	doc := string(readFile(t, name))
	i := strings.Index(doc, s)
	if i < 0 {
		t.Fatalf("%s does not hold %q", name, s)
	}
	return strings.Count(doc[:i], "\n") + 1
}

// TestInstanceDataSource_startScript: a -DportOffset=7 added to the java
// command line of the start script of 2.1.0, 3.2.0, 4.2.0 and 4.7.0 wins
// over the file's 3, with a warning naming the host, the script, both
// values and what to do; commented out, it counts for nothing.
func TestInstanceDataSource_startScript(t *testing.T) {
	for _, f := range dsFixtures[:4] {
		t.Run(f.name, func(t *testing.T) {
			home := f.at(t, 3)
			f.withJavaOption(t, home, "-DportOffset=7")
			script := filepath.Join(home, f.script)
			readInstances(t, instanceData("test", home),
				instanceWant{f: f, apimHome: home, fileOffset: 3, offset: 7, source: apim.FromStartScript}.checks("data.apim_instance.test"),
				overrideWarningText("Start Script Overrides the Port Offset", "the local host", script,
					lineOf(t, script, "-DportOffset=7"), 7, filepath.Join(home, f.configFile()), 3))
		})
		t.Run(f.name+" commented out", func(t *testing.T) {
			home := f.at(t, 3)
			f.withJavaOption(t, home, "# -DportOffset=7")
			readInstances(t, instanceData("test", home),
				instanceWant{f: f, apimHome: home, fileOffset: 3, offset: 3, source: apim.FromConfigFile}.checks("data.apim_instance.test"))
		})
	}
}

// TestInstanceDataSource_webSocketRule: the WebSocket ports follow the
// runtime's rule, not base + offset: a static file stating its port with
// ws.use.port.offset = false (as apim_websocket_inbound writes it) keeps
// it whatever the offset; a templated endpoint is its deployment.toml key
// plus the offset the instance runs at, -DportOffset included.
func TestInstanceDataSource_webSocketRule(t *testing.T) {
	home21 := ds210.at(t, 3)
	ws := filepath.Join(home21, apim.WebSocket.File)
	writeFile(t, ws, replaceOnce(t, replaceOnce(t, readFile(t, ws), wsPort(9099), wsPort(9105)), useOffsetTrue, useOffsetFalse))
	ds210.withJavaOption(t, home21, "-DportOffset=7")
	home42 := ds420.at(t, 2)
	toml := filepath.Join(home42, apim.DeploymentTOML)
	writeFile(t, toml, append(readFile(t, toml), "\n[apim.ws]\nport = 9200\n"...))
	ds420.withJavaOption(t, home42, "-DportOffset=7")
	script21, script42 := filepath.Join(home21, ds210.script), filepath.Join(home42, ds420.script)
	readInstances(t, instanceData("v21", home21)+instanceData("v42", home42),
		append(
			instanceWant{f: ds210, apimHome: home21, fileOffset: 3, offset: 7, source: apim.FromStartScript,
				ws: knownvalue.Int64Exact(9105)}.checks("data.apim_instance.v21"),
			instanceWant{f: ds420, apimHome: home42, fileOffset: 2, offset: 7, source: apim.FromStartScript,
				bases: map[string]int64{"websocket": 9200}, ws: knownvalue.Int64Exact(9207)}.checks("data.apim_instance.v42")...),
		overrideWarningText("Start Script Overrides the Port Offset", "the local host", script21, lineOf(t, script21, "-DportOffset=7"), 7, filepath.Join(home21, apim.CarbonXML), 3),
		overrideWarningText("Start Script Overrides the Port Offset", "the local host", script42, lineOf(t, script42, "-DportOffset=7"), 7, filepath.Join(home42, apim.DeploymentTOML), 2))
}

// testUnit writes, in dir, a systemd unit whose [Service] has the lines
// service and then runs execStart, and returns its path.
func testUnit(t *testing.T, dir, execStart string, service ...string) string {
	unit := filepath.Join(dir, "apim.service")
	writeFile(t, unit, []byte("[Unit]\nDescription=WSO2 API Manager\n\n[Service]\nType=forking\n"+
		strings.Join(service, "\n")+"\nExecStart="+execStart+"\n\n[Install]\nWantedBy=multi-user.target\n"))
	return unit
}

// TestInstanceDataSource_systemdUnit: a unit's ExecStart= argument wins
// over the start script's own -DportOffset (it comes after it on the java
// command line), which wins over the unit's Environment= JAVA_OPTS; the
// warning names the winner and the other one. A unit that passes none
// leaves the script's, and a commented-out one counts for nothing.
func TestInstanceDataSource_systemdUnit(t *testing.T) {
	f := ds420
	for _, tc := range []struct {
		name    string
		service []string
		exec    string // arguments after the script's path in ExecStart=
		offset  int64
		source  apim.OffsetSource
		other   bool // the warning also names the loser
	}{
		{"ExecStart argument", nil, "-DportOffset=9 start", 9, apim.FromSystemdUnit, true},
		{"Environment", []string{"Environment=\"JAVA_OPTS=-Xmx2g -DportOffset=5\""}, "start", 7, apim.FromStartScript, true},
		{"none", []string{"User=wso2"}, "start", 7, apim.FromStartScript, false},
		{"commented out", []string{"#Environment=JAVA_OPTS=-DportOffset=9"}, "start", 7, apim.FromStartScript, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := f.at(t, 3)
			f.withJavaOption(t, home, "-DportOffset=7")
			script := filepath.Join(home, f.script)
			unit := testUnit(t, t.TempDir(), script+" "+tc.exec, tc.service...)
			config := filepath.Join(home, f.configFile())
			scriptLine := lineOf(t, script, "-DportOffset=7")
			var also []string
			if tc.other && tc.source == apim.FromSystemdUnit {
				also = append(also, fmt.Sprintf("%s also passes -DportOffset=7 (line %d), which comes earlier on the java command line and does not count", script, scriptLine))
			} else if tc.other {
				also = append(also, fmt.Sprintf("%s also passes -DportOffset=5 (line %d), which comes earlier on the java command line and does not count", unit, lineOf(t, unit, "Environment=")))
			}
			want := overrideWarningText("Start Script Overrides the Port Offset", "the local host", script, scriptLine, 7, config, 3, also...)
			if tc.source == apim.FromSystemdUnit {
				want = overrideWarningText("Systemd Unit Overrides the Port Offset", "the local host", unit, lineOf(t, unit, "ExecStart="), 9, config, 3, also...)
			}
			readInstances(t, instanceData("test", home, hclAttr("systemd_unit", unit)),
				instanceWant{f: f, apimHome: home, fileOffset: 3, offset: tc.offset, source: tc.source, systemdUnit: unit}.checks("data.apim_instance.test"),
				want)
		})
	}
}

// TestInstanceDataSource_badInput: what the data source cannot read is an
// error naming the host and the file, with what to do.
func TestInstanceDataSource_badInput(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "wso2am-none")
	badScript := ds210.at(t, 0)
	ds210.withJavaOption(t, badScript, "-DportOffset=$OFFSET")
	badCarbon := ds210.at(t, 0)
	carbon := filepath.Join(badCarbon, apim.CarbonXML)
	writeFile(t, carbon, replaceOnce(t, readFile(t, carbon), "<Offset>0</Offset>", "<Offset>two</Offset>"))
	badTOML := ds420.at(t, 0)
	toml := filepath.Join(badTOML, apim.DeploymentTOML)
	writeFile(t, toml, replaceOnce(t, readFile(t, toml), "offset=0\n", "offset = \"x\"\n"))
	noUnit := ds420.at(t, 0)
	badUnit := ds420.at(t, 0)
	unit := testUnit(t, t.TempDir(), filepath.Join(badUnit, ds420.script)+" start", "Environment=JAVA_OPTS=-DportOffset=${N}")
	tooHigh := ds420.at(t, 0)
	ds420.withJavaOption(t, tooHigh, "-DportOffset=54424")
	writeFile(t, filepath.Join(tooHigh, apim.DeploymentTOML), append(readFile(t, filepath.Join(tooHigh, apim.DeploymentTOML)), "\n[transport.https.properties]\nport = 19443\n"...))
	for _, tc := range []struct {
		name, config string
		want         *regexp.Regexp
	}{
		{"missing home", instanceData("test", missing),
			diagText("Cannot Read the APIM Home", "On the local host, "+missing+" is not an APIM home: neither "+apim.DeploymentTOML, filepath.Join(missing, apim.CarbonXML), "Check that apim_home is the APIM installation directory")},
		{"variable in the start script", instanceData("test", badScript),
			diagText("Cannot Read the Start Script", "On the local host, "+filepath.Join(badScript, "bin/wso2server.sh"), fmt.Sprintf("line %d passes -DportOffset=$OFFSET", lineOf(t, filepath.Join(badScript, "bin/wso2server.sh"), "-DportOffset=$OFFSET")), "Correct it by hand")},
		{"carbon.xml offset not a number", instanceData("test", badCarbon),
			diagText("Cannot Read the Port Offset", "On the local host, "+carbon, `"two"`)},
		{"deployment.toml offset not a number", instanceData("test", badTOML),
			diagText("Cannot Read the Port Offset", "On the local host, "+toml)},
		{"unit missing", instanceData("test", noUnit, hclAttr("systemd_unit", "/etc/systemd/system/apim-test-none.service")),
			diagText("Cannot Read the Systemd Unit", "On the local host", "/etc/systemd/system/apim-test-none.service", "no such file", "Check systemd_unit")},
		{"variable in the unit", instanceData("test", badUnit, hclAttr("systemd_unit", unit)),
			diagText("Cannot Read the Systemd Unit", "On the local host, "+unit, "line 6 passes -DportOffset=${N}")},
		{"start offset moves a port past 65535", instanceData("test", tooHigh),
			diagText("Invalid Port Offset", "On the local host, "+filepath.Join(tooHigh, ds420.script), "offset 54424 moves servlet_https (base 19443) to 73867, above 65535")},
		{"relative systemd_unit", instanceData("test", noUnit, hclAttr("systemd_unit", "apim.service")),
			diagText("Relative Systemd Unit", "systemd_unit must be an absolute path")},
		{"relative apim_home", instanceData("test", "wso2am-4.2.0"),
			diagText("Relative APIM Home", "apim_home must be an absolute path")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: tc.want}},
			})
		})
	}
}

// TestSSHInstanceDataSource reads the 2.1.0, 3.2.0, 4.2.0 and 4.7.0 homes on
// a host reached over SSH in one configuration: the same values as
// locally; the 4.2.0 home's start script and the 2.1.0 home's systemd unit
// override their files, and the warnings name the SSH host; the 3.2.0
// home has no start script. A start
// script the login user may not read is an error naming host and file.
func TestSSHInstanceDataSource(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
	host := login.Name + "@" + srv.Addr()
	remote := func(f dsFixture) string {
		home := filepath.Join(sshtest.TempDir(t), f.name)
		if err := os.CopyFS(home, os.DirFS(f.at(t, 3))); err != nil {
			t.Fatal(err)
		}
		chownTree(t, home, login.UID, login.GID, 0o644)
		return home
	}
	homes := map[string]string{}
	for _, f := range dsFixtures[:4] {
		homes[f.name] = remote(f)
	}
	// A home without its start script runs at its file's offset.
	if err := os.RemoveAll(filepath.Join(homes[ds320.name], "bin")); err != nil {
		t.Fatal(err)
	}
	ds420.withJavaOption(t, homes[ds420.name], "-DportOffset=7")
	script42 := filepath.Join(homes[ds420.name], ds420.script)
	unit := testUnit(t, sshtest.TempDir(t), filepath.Join(homes[ds210.name], ds210.script)+" start", "Environment=JAVA_OPTS=-DportOffset=5")
	unreadable := remote(ds470)
	script47 := filepath.Join(unreadable, ds470.script)
	if err := os.Chown(script47, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(script47, 0o600); err != nil {
		t.Fatal(err)
	}
	sshObj := fmt.Sprintf("ssh = {\n    host = %q\n    port = %d\n  }", srv.Host(), srv.Port())
	provider := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", sshtest.WriteFile(t, "known_hosts", srv.KnownHostsLine()+"\n")),
		hclAttr("agent", false),
	)
	config := provider
	var checks []statecheck.StateCheck
	for _, f := range dsFixtures[:4] {
		name := strings.NewReplacer("apim-", "v", ".", "").Replace(f.name)
		want := instanceWant{f: f, apimHome: homes[f.name], fileOffset: 3, offset: 3, source: apim.FromConfigFile, ssh: srv}
		extra := []string{sshObj}
		switch f.name {
		case ds420.name:
			want.offset, want.source = 7, apim.FromStartScript
		case ds210.name:
			want.offset, want.source, want.systemdUnit = 5, apim.FromSystemdUnit, unit
			extra = append(extra, hclAttr("systemd_unit", unit))
		}
		config += instanceData(name, homes[f.name], extra...)
		checks = append(checks, want.checks("data.apim_instance."+name)...)
	}
	rec := &diagRecorder{}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.providers(),
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: checks,
			Check: rec.expectWarnings(
				overrideWarningText("Start Script Overrides the Port Offset", host, script42, lineOf(t, script42, "-DportOffset=7"), 7,
					filepath.Join(homes[ds420.name], apim.DeploymentTOML), 3),
				overrideWarningText("Systemd Unit Overrides the Port Offset", host, unit, lineOf(t, unit, "Environment="), 5,
					filepath.Join(homes[ds210.name], apim.CarbonXML), 3),
			),
		}, {
			Config:      provider + instanceData("unreadable", unreadable, sshObj),
			ExpectError: diagText("Cannot Read the Start Script", host, script47, "permission denied", "set ssh.sudo = true"),
		}},
	})
}
