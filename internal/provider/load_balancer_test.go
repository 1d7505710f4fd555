package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// loadBalancerExample is the configuration TestLoadBalancerExample runs, as
// it is in the repository.
const loadBalancerExample = "../../examples/load-balancer"

// lbFronts are the server blocks of the test's nginx, one per upstream of
// the example, each listening on the port APIM itself uses at offset 0, as
// a load balancer in front of APIM would.
var lbFronts = []struct {
	upstream string
	port     int
}{
	{"apim_gateway_https", 8243},
	{"apim_gateway_http", 8280},
	{"apim_portal_https", 9443},
	{"apim_websocket", 9099},
}

// TestLoadBalancerExample runs examples/load-balancer as it is against two
// APIM 2.1.0 homes on this machine and a real nginx that the test starts
// on a loopback address with a prefix of its own. One apply sets both
// offsets and writes and reloads nginx's upstreams; stand-ins listening on
// the ports Terraform computed answer with their instance's name, and
// requests through every server block of nginx reach both instances. Then
// the offsets change: one apply moves the files and nginx, requests reach
// the new ports (the old ones are closed), and the next plan is empty.
func TestLoadBalancerExample(t *testing.T) {
	nginx := nginxBinary(t)
	// The example's local-exec runs nginx by name.
	t.Setenv("PATH", filepath.Dir(nginx)+string(os.PathListSeparator)+os.Getenv("PATH"))
	// The example names the provider portoffset/apim.
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "portoffset")

	lbAddr, apimAddr := loopbackPair()
	lb := startNginx(t, nginx, lbAddr)
	standIns := newStandIns(t, apimAddr)
	homes := map[string]string{"apim1": newHome(t), "apim2": newHome(t)}
	originals := map[string]map[string][]byte{}
	for name, home := range homes {
		originals[name] = snapshot(t, home)
	}
	variables := func(offsets map[string]int) config.Variables {
		instances := map[string]config.Variable{}
		for name, home := range homes {
			instances[name] = config.ObjectVariable(map[string]config.Variable{
				"apim_home": config.StringVariable(home),
				"offset":    config.IntegerVariable(offsets[name]),
			})
		}
		return config.Variables{
			"apim_host":      config.StringVariable(apimAddr),
			"instances":      config.MapVariable(instances),
			"nginx_conf_dir": config.StringVariable(lb.confDir),
			"nginx_prefix":   config.StringVariable(lb.prefix),
			"nginx_conf":     config.StringVariable(lb.conf),
		}
	}
	step := func(offsets map[string]int) resource.TestStep {
		return resource.TestStep{
			// On the step: terraform-plugin-testing takes the example's
			// provider block for providers of the step's own.
			ProtoV6ProviderFactories: testProviders,
			ConfigDirectory:          config.StaticDirectory(loadBalancerExample),
			ConfigVariables:          variables(offsets),
			ConfigStateChecks: []statecheck.StateCheck{
				homesAt{homes: homes, originals: originals, offsets: offsets, t: t},
				servedThrough{lb: lb, standIns: standIns},
			},
		}
	}
	first, second := step(map[string]int{"apim1": 1, "apim2": 2}), step(map[string]int{"apim1": 3, "apim2": 4})
	second.ConfigPlanChecks = resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(`apim_instance_ports.this["apim1"]`, plancheck.ResourceActionUpdate),
			plancheck.ExpectResourceAction(`apim_instance_ports.this["apim2"]`, plancheck.ResourceActionUpdate),
			plancheck.ExpectResourceAction("terraform_data.nginx_upstreams", plancheck.ResourceActionReplace),
		},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
	// Last, everything removed: the homes are restored. (terraform-plugin-
	// testing's own post-test destroy reads the state through a shim that
	// rejects for_each keys, so the state must be empty by then.)
	removed := resource.TestStep{
		ProtoV6ProviderFactories: testProviders,
		Config:                   "terraform {\n  required_providers {\n    apim = { source = \"portoffset/apim\" }\n  }\n}\n",
		ConfigStateChecks:        []statecheck.StateCheck{homesAt{homes: homes, originals: originals, t: t}},
	}
	resource.UnitTest(t, resource.TestCase{Steps: []resource.TestStep{first, second, removed}})
}

// nginxBinary is the path of Debian's nginx; the test fails without it.
func nginxBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	const debian = "/usr/sbin/nginx" // not on a non-root user's PATH
	if _, err := os.Stat(debian); err == nil {
		return debian
	}
	t.Fatal("nginx not found (on PATH or at /usr/sbin/nginx): the load balancer test runs a real nginx; " +
		"run apt-get install nginx (make test installs it when run as root)")
	return ""
}

// loopbackPair is two addresses of one random 127.x.y.0/24, for nginx and
// for the stand-in instances, so that the fixed ports they listen on do not
// meet those of other tests or of another run of this one.
func loopbackPair() (lb, apim string) {
	prefix := fmt.Sprintf("127.%d.%d.", 100+rand.IntN(100), rand.IntN(256))
	return prefix + "1", prefix + "2"
}

// lbNginx is an nginx run by the test in a prefix of its own.
type lbNginx struct {
	addr          string
	prefix, conf  string
	confDir       string // where the example writes its upstreams
	errorLog      string
	masterStopped chan struct{}
}

// startNginx starts nginx in the foreground on addr. At first it serves
// nothing: its http block includes conf.d/*.conf (the example's upstreams)
// and sites/*.conf, both empty. Then, as an operator would, it writes the
// server blocks that use the upstreams into sites/, to be loaded by the
// reload that the example runs once it has written the upstreams.
func startNginx(t *testing.T, bin, addr string) *lbNginx {
	t.Helper()
	prefix := t.TempDir()
	lb := &lbNginx{
		addr: addr, prefix: prefix,
		conf:          filepath.Join(prefix, "nginx.conf"),
		confDir:       filepath.Join(prefix, "conf.d"),
		errorLog:      filepath.Join(prefix, "logs", "error.log"),
		masterStopped: make(chan struct{}),
	}
	for _, dir := range []string{"conf.d", "sites", "logs", "temp"} {
		if err := os.Mkdir(filepath.Join(prefix, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Paths are relative to the prefix (-p). As root, the workers run as
	// root too: the prefix is a private temporary directory.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root root;\n"
	}
	writeFile(t, lb.conf, []byte(user+`worker_processes 1;
error_log logs/error.log info;
pid logs/nginx.pid;
events {
    worker_connections 64;
}
http {
    access_log off;
    client_body_temp_path temp/client_body;
    proxy_temp_path temp/proxy;
    fastcgi_temp_path temp/fastcgi;
    uwsgi_temp_path temp/uwsgi;
    scgi_temp_path temp/scgi;
    include conf.d/*.conf;
    include sites/*.conf;
}
`))
	cmd := exec.Command(bin, "-p", prefix, "-c", lb.conf, "-g", "daemon off;")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting nginx: %v", err)
	}
	go func() {
		_ = cmd.Wait()
		close(lb.masterStopped)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT) // graceful stop of this master and its workers
		select {
		case <-lb.masterStopped:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-lb.masterStopped
		}
	})
	// nginx writes its pid file once it is up.
	pidFile := filepath.Join(prefix, "logs", "nginx.pid")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(pidFile); err == nil {
			break
		}
		select {
		case <-lb.masterStopped:
			t.Fatalf("nginx exited at start:\n%s\n%s", out.String(), lb.errorLogTail())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not write %s within 10s:\n%s\n%s", pidFile, out.String(), lb.errorLogTail())
		}
	}
	var sites strings.Builder
	for _, f := range lbFronts {
		fmt.Fprintf(&sites, "server {\n    listen %s:%d;\n    location / {\n        proxy_pass http://%s;\n    }\n}\n", addr, f.port, f.upstream)
	}
	writeFile(t, filepath.Join(prefix, "sites", "apim.conf"), []byte(sites.String()))
	return lb
}

func (lb *lbNginx) errorLogTail() string {
	b, err := os.ReadFile(lb.errorLog)
	if err != nil {
		return "(no error log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return "nginx error log, last lines:\n" + strings.Join(lines[max(0, len(lines)-15):], "\n")
}

// standIns are HTTP servers standing in for APIM instances: each answers
// every request with its instance's name.
type standIns struct {
	addr    string
	running map[int]*http.Server // by port
	names   map[int]string
}

func newStandIns(t *testing.T, addr string) *standIns {
	s := &standIns{addr: addr, running: map[int]*http.Server{}, names: map[int]string{}}
	t.Cleanup(func() { _ = s.serve(nil) }) // closing only: no listen to fail
	return s
}

// serve makes the stand-ins listen on exactly the ports of want (port to
// instance name): the others are closed.
func (s *standIns) serve(want map[int]string) error {
	for port, srv := range s.running {
		if name, ok := want[port]; !ok || name != s.names[port] {
			_ = srv.Close()
			delete(s.running, port)
		}
	}
	for port, name := range want {
		if _, ok := s.running[port]; ok {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort(s.addr, strconv.Itoa(port)))
		if err != nil {
			return fmt.Errorf("stand-in for %s: %w", name, err)
		}
		srv := &http.Server{
			Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, name)
			}),
			ReadHeaderTimeout: 5 * time.Second,
		}
		go func() { _ = srv.Serve(l) }()
		s.running[port], s.names[port] = srv, name
	}
	return nil
}

// servedThrough is a state check: it starts the stand-ins on the ports the
// state holds (each upstream's port of each instance), closes the others,
// and fails unless requests through every server block of nginx reach
// every instance.
type servedThrough struct {
	lb       *lbNginx
	standIns *standIns
}

func (c servedThrough) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	ports, err := upstreamPorts(req)
	if err != nil {
		resp.Error = err
		return
	}
	want := map[int]string{}
	for _, byInstance := range ports {
		for name, port := range byInstance {
			want[port] = name
		}
	}
	if err := c.standIns.serve(want); err != nil {
		resp.Error = err
		return
	}
	var errs []error
	for _, f := range lbFronts {
		if err := c.lb.reachesAll(ctx, f.port, f.upstream, ports[f.upstream]); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		resp.Error = fmt.Errorf("%w\n%s", errors.Join(errs...), c.lb.errorLogTail())
	}
}

// upstreamPorts is, by upstream of the example and then by instance name,
// the port the state gives the instance for that kind of traffic.
func upstreamPorts(req statecheck.CheckStateRequest) (map[string]map[string]int, error) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		return nil, errors.New("no state")
	}
	ports := map[string]map[string]int{}
	for _, f := range lbFronts {
		ports[f.upstream] = map[string]int{}
	}
	for _, r := range req.State.Values.RootModule.Resources {
		name, ok := r.Index.(string)
		if !ok {
			continue
		}
		switch r.Type {
		case "apim_instance_ports":
			p, ok := r.AttributeValues["ports"].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: no ports in the state", r.Address)
			}
			for upstream, attr := range map[string]string{"apim_gateway_https": "gateway_https", "apim_gateway_http": "gateway_http", "apim_portal_https": "servlet_https"} {
				n, err := stateNumber(p[attr])
				if err != nil {
					return nil, fmt.Errorf("%s: ports.%s: %w", r.Address, attr, err)
				}
				ports[upstream][name] = n
			}
		case "apim_websocket_inbound":
			n, err := stateNumber(r.AttributeValues["port"])
			if err != nil {
				return nil, fmt.Errorf("%s: port: %w", r.Address, err)
			}
			ports["apim_websocket"][name] = n
		}
	}
	for upstream, byInstance := range ports {
		if len(byInstance) != 2 {
			return nil, fmt.Errorf("upstream %s: ports of %d instances in the state, want 2", upstream, len(byInstance))
		}
	}
	return ports, nil
}

func stateNumber(v any) (int, error) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return int(i), err
	case float64:
		return int(n), nil
	}
	return 0, fmt.Errorf("%v is not a number", v)
}

// reachesAll sends requests through nginx's server block on port until
// consecutive ones have reached every instance of backends (name to port)
// and nothing else, within 15 seconds: the reload that the apply ran takes
// a moment to replace nginx's workers.
func (lb *lbNginx) reachesAll(ctx context.Context, port int, upstream string, backends map[string]int) error {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 2 * time.Second}
	url := fmt.Sprintf("http://%s/", net.JoinHostPort(lb.addr, strconv.Itoa(port)))
	var want []string
	for name := range backends {
		want = append(want, name)
	}
	slices.Sort(want)
	var last []string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		// With round robin over two servers, four requests reach each twice.
		last = last[:0]
		seen := map[string]bool{}
		for range 2 * len(want) {
			answer := lb.get(ctx, client, url)
			last = append(last, answer)
			seen[answer] = true
		}
		if len(seen) == len(want) && !slices.ContainsFunc(want, func(name string) bool { return !seen[name] }) {
			return nil
		}
	}
	return fmt.Errorf("through nginx at %s (upstream %s, want %s at %v): the last requests got %q",
		url, upstream, strings.Join(want, " and "), backends, last)
}

// get is the body of a response, or what went wrong.
func (lb *lbNginx) get(ctx context.Context, client *http.Client, url string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err.Error()
	}
	resp, err := client.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return err.Error()
	case resp.StatusCode != http.StatusOK:
		return resp.Status
	}
	return string(b)
}

// homesAt is a state check: each home's files are the shipped ones with
// the instance's offset applied, or as shipped without offsets.
type homesAt struct {
	homes     map[string]string
	originals map[string]map[string][]byte
	offsets   map[string]int
	t         *testing.T
}

func (c homesAt) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	var errs []error
	for name, home := range c.homes {
		want := c.originals[name]
		if c.offsets != nil {
			want = applied(c.t, want, c.offsets[name], true, false)
		}
		if err := expectFiles(home, want); err != nil {
			errs = append(errs, fmt.Errorf("instance %s: %w", name, err))
		}
	}
	resp.Error = errors.Join(errs...)
}
