package gcp

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"google.golang.org/api/compute/v1"
)

// fakeCompute answers the Compute Engine v1 REST calls the enforcer makes,
// with the real paths, JSON bodies and error shapes, over a small in-memory
// estate. Every call is recorded, in order, as "METHOD path-below-/compute/v1/
// key=fields", for tests to compare with the exact sequence they expect.
type fakeCompute struct {
	t  *testing.T
	mu sync.Mutex
	// instances by "project/zone/name"; firewalls by "project/name".
	instances map[string]*compute.Instance
	firewalls map[string]*compute.Firewall
	networks  map[string]bool // "projects/P/global/networks/N"
	ops       map[string]*compute.Operation
	nextOp    int
	nextFP    int
	calls     []string
	faults    []fault
}

// fault makes the next call whose record starts with prefix fail: at once
// with an HTTP error, or, with asOperation, through the operation it starts
// ending in error (and changing nothing).
type fault struct {
	prefix      string
	code        int
	reason      string
	asOperation bool
}

const apiRoot = "/compute/v1/"

func newFakeCompute(t *testing.T) *fakeCompute {
	return &fakeCompute{t: t, instances: map[string]*compute.Instance{}, firewalls: map[string]*compute.Firewall{},
		networks: map[string]bool{}, ops: map[string]*compute.Operation{}}
}

func networkURL(project, name string) string {
	return "https://www.googleapis.com/compute/v1/projects/" + project + "/global/networks/" + name
}

// addInstance puts an instance in the estate; nics are "project/network=ip".
func (f *fakeCompute) addInstance(project, zone, name string, tags []string, nics ...string) {
	inst := &compute.Instance{
		Kind: "compute#instance", Name: name, Status: "RUNNING",
		Zone:     "https://www.googleapis.com/compute/v1/projects/" + project + "/zones/" + zone,
		SelfLink: "https://www.googleapis.com/compute/v1/projects/" + project + "/zones/" + zone + "/instances/" + name,
		Tags:     &compute.Tags{Items: tags, Fingerprint: f.fingerprint()},
	}
	for i, nic := range nics {
		net, ip, _ := strings.Cut(nic, "=")
		netProject, netName, _ := strings.Cut(net, "/")
		f.networks["projects/"+netProject+"/global/networks/"+netName] = true
		ni := &compute.NetworkInterface{Name: fmt.Sprintf("nic%d", i), Network: networkURL(netProject, netName)}
		if a := netip.MustParseAddr(ip); a.Is4() {
			ni.NetworkIP = ip
		} else {
			ni.Ipv6Address = ip
		}
		inst.NetworkInterfaces = append(inst.NetworkInterfaces, ni)
	}
	f.instances[project+"/"+zone+"/"+name] = inst
}

func (f *fakeCompute) fingerprint() string {
	f.nextFP++
	return fmt.Sprintf("fp-%d", f.nextFP)
}

func (f *fakeCompute) fail(prefix string, code int, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{prefix: prefix, code: code, reason: reason})
}

func (f *fakeCompute) failOperation(prefix string, code int, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{prefix: prefix, code: code, reason: reason, asOperation: true})
}

// takeCalls returns the calls recorded since the last takeCalls.
func (f *fakeCompute) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

func (f *fakeCompute) tags(project, zone, name string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.instances[project+"/"+zone+"/"+name].Tags.Items)
}

// rules are the firewall rules of the estate, sorted by project and name.
func (f *fakeCompute) rules() []*compute.Firewall {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := slices.Sorted(maps.Keys(f.firewalls))
	out := make([]*compute.Firewall, len(keys))
	for i, k := range keys {
		out[i] = f.firewalls[k]
	}
	return out
}

var (
	rfc1035     = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	nameRegexp  = regexp.MustCompile(`^name eq "([^"]*)"$`)
	nameEquals  = regexp.MustCompile(`^name = "([^"]*)"$`)
	pathPattern = regexp.MustCompile(`^projects/([^/]+)/(.*)$`)
)

func (f *fakeCompute) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path, ok := strings.CutPrefix(r.URL.Path, apiRoot)
	m := pathPattern.FindStringSubmatch(path)
	if !ok || m == nil {
		f.t.Errorf("fake compute: unexpected path %s %s", r.Method, r.URL.Path)
		apiError(w, 404, "notFound", "no such path "+r.URL.Path)
		return
	}
	project, rest := m[1], strings.Split(m[2], "/")
	call := r.Method + " " + path
	var body []byte
	if r.Body != nil {
		var raw json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&raw); err == nil {
			body = raw
		}
	}
	var fw compute.Firewall
	var tags compute.Tags
	switch {
	case r.Method == "GET" && r.URL.Query().Has("filter"):
		call += " filter=" + r.URL.Query().Get("filter")
	case r.Method == "POST" && path == "projects/"+project+"/global/firewalls":
		fw = decodeFirewall(body)
		call += " name=" + fw.Name
	case r.Method == "PUT":
		fw = decodeFirewall(body)
	case strings.HasSuffix(path, "/setTags"):
		_ = json.Unmarshal(body, &tags)
		call += fmt.Sprintf(" items=%v fingerprint=%s", tags.Items, tags.Fingerprint)
	}
	f.calls = append(f.calls, call)

	var opFault *fault
	for i, ft := range f.faults {
		if strings.HasPrefix(call, ft.prefix) {
			f.faults = slices.Delete(f.faults, i, i+1)
			if !ft.asOperation {
				apiError(w, ft.code, ft.reason, "injected fault")
				return
			}
			opFault = &ft
			break
		}
	}

	switch {
	case r.Method == "GET" && len(rest) == 4 && rest[0] == "zones" && rest[2] == "instances":
		inst, ok := f.instances[project+"/"+rest[1]+"/"+rest[3]]
		if !ok {
			apiError(w, 404, "notFound", fmt.Sprintf("The resource 'projects/%s/zones/%s/instances/%s' was not found", project, rest[1], rest[3]))
			return
		}
		reply(w, inst)

	case r.Method == "GET" && m[2] == "aggregated/instances":
		filter := r.URL.Query().Get("filter")
		name := ""
		if filter != "" {
			fm := nameEquals.FindStringSubmatch(filter)
			if fm == nil {
				apiError(w, 400, "invalid", fmt.Sprintf("Invalid value for field 'filter': '%s'. Invalid list filter expression.", filter))
				return
			}
			name = fm[1]
		}
		out := &compute.InstanceAggregatedList{Kind: "compute#instanceAggregatedList", Items: map[string]compute.InstancesScopedList{}}
		for key, inst := range f.instances {
			p, zone, _ := strings.Cut(key, "/")
			zone, _, _ = strings.Cut(zone, "/")
			if p != project || (name != "" && inst.Name != name) {
				continue
			}
			l := out.Items["zones/"+zone]
			l.Instances = append(l.Instances, inst)
			out.Items["zones/"+zone] = l
		}
		reply(w, out)

	case r.Method == "POST" && len(rest) == 5 && rest[0] == "zones" && rest[4] == "setTags":
		key := project + "/" + rest[1] + "/" + rest[3]
		inst, ok := f.instances[key]
		switch {
		case !ok:
			apiError(w, 404, "notFound", "instance "+key+" was not found")
			return
		case tags.Fingerprint != inst.Tags.Fingerprint:
			apiError(w, 412, "conditionNotMet", "Supplied fingerprint does not match current metadata fingerprint.")
			return
		}
		for _, tg := range tags.Items {
			if !rfc1035.MatchString(tg) {
				apiError(w, 400, "invalid", fmt.Sprintf("Invalid value for field 'resource.tags.items[]': '%s'.", tg))
				return
			}
		}
		f.operation(w, project, rest[1], "setTags", inst.SelfLink, opFault, func() {
			inst.Tags = &compute.Tags{Items: tags.Items, Fingerprint: f.fingerprint()}
		})

	case r.Method == "GET" && m[2] == "global/firewalls":
		out := &compute.FirewallList{Kind: "compute#firewallList"}
		fm := nameRegexp.FindStringSubmatch(r.URL.Query().Get("filter"))
		if fm == nil {
			apiError(w, 400, "invalid", "Invalid list filter expression.")
			return
		}
		re := regexp.MustCompile("^(?:" + fm[1] + ")$")
		for _, k := range slices.Sorted(maps.Keys(f.firewalls)) {
			if p, name, _ := strings.Cut(k, "/"); p == project && re.MatchString(name) {
				out.Items = append(out.Items, f.firewalls[k])
			}
		}
		reply(w, out)

	case r.Method == "POST" && m[2] == "global/firewalls":
		if msg := f.invalidFirewall(&fw); msg != "" {
			apiError(w, 400, "invalid", msg)
			return
		}
		key := project + "/" + fw.Name
		if _, ok := f.firewalls[key]; ok {
			apiError(w, 409, "alreadyExists", fmt.Sprintf("The resource 'projects/%s/global/firewalls/%s' already exists", project, fw.Name))
			return
		}
		f.operation(w, project, "", "insert", key, opFault, func() { f.store(project, &fw) })

	case (r.Method == "PUT" || r.Method == "DELETE") && len(rest) == 3 && rest[1] == "firewalls":
		key := project + "/" + rest[2]
		if _, ok := f.firewalls[key]; !ok {
			apiError(w, 404, "notFound", fmt.Sprintf("The resource 'projects/%s/global/firewalls/%s' was not found", project, rest[2]))
			return
		}
		if r.Method == "DELETE" {
			f.operation(w, project, "", "delete", key, opFault, func() { delete(f.firewalls, key) })
			return
		}
		if msg := f.invalidFirewall(&fw); msg != "" || fw.Name != rest[2] {
			apiError(w, 400, "invalid", "invalid firewall update: "+msg)
			return
		}
		f.operation(w, project, "", "update", key, opFault, func() { f.store(project, &fw) })

	case r.Method == "POST" && len(rest) == 4 && rest[0] == "global" && rest[1] == "operations" && rest[3] == "wait",
		r.Method == "POST" && len(rest) == 5 && rest[0] == "zones" && rest[2] == "operations" && rest[4] == "wait":
		op, ok := f.ops[rest[len(rest)-2]]
		if !ok {
			apiError(w, 404, "notFound", "operation not found")
			return
		}
		reply(w, op)

	default:
		f.t.Errorf("fake compute: unexpected call %s", call)
		apiError(w, 404, "notFound", "unexpected call "+call)
	}
}

// operation answers a mutating call: the change happens now, unless a fault
// makes its operation fail; the operation reads RUNNING here and DONE (with
// the fault's error) when waited for.
func (f *fakeCompute) operation(w http.ResponseWriter, project, zone, kind, target string, ft *fault, apply func()) {
	f.nextOp++
	name := fmt.Sprintf("op-%d", f.nextOp)
	done := &compute.Operation{Kind: "compute#operation", Name: name, OperationType: kind, TargetLink: target, Status: "DONE"}
	if zone != "" {
		done.Zone = "https://www.googleapis.com/compute/v1/projects/" + project + "/zones/" + zone
	}
	if ft != nil {
		done.HttpErrorStatusCode = int64(ft.code)
		done.HttpErrorMessage = http.StatusText(ft.code)
		done.Error = &compute.OperationError{Errors: []*compute.OperationErrorErrors{{Code: ft.reason, Message: "injected operation fault"}}}
	} else {
		apply()
	}
	f.ops[name] = done
	running := *done
	running.Status, running.Error, running.HttpErrorStatusCode, running.HttpErrorMessage = "RUNNING", nil, 0, ""
	reply(w, &running)
}

func (f *fakeCompute) store(project string, fw *compute.Firewall) {
	fw.Kind = "compute#firewall"
	fw.Network = networkURL(projectOf(fw.Network), lastSegment(fw.Network)) // the API answers full URLs
	f.firewalls[project+"/"+fw.Name] = fw
}

// invalidFirewall checks what the real API checks of a weir rule, and says
// what is wrong, or "".
func (f *fakeCompute) invalidFirewall(fw *compute.Firewall) string {
	switch {
	case !rfc1035.MatchString(fw.Name):
		return fmt.Sprintf("Invalid value for field 'resource.name': '%s'.", fw.Name)
	case !f.networks[resourcePath(fw.Network)]:
		return fmt.Sprintf("The resource '%s' was not found", fw.Network)
	case fw.Direction != "INGRESS" && fw.Direction != "EGRESS":
		return "Invalid value for field 'resource.direction'."
	case fw.Priority < 0 || fw.Priority > 65535:
		return "Invalid value for field 'resource.priority'."
	case (len(fw.Allowed) == 0) == (len(fw.Denied) == 0):
		return "Exactly one of allowed or denied must be set."
	case fw.Direction == "INGRESS" && len(fw.DestinationRanges) > 0, fw.Direction == "EGRESS" && len(fw.SourceRanges) > 0:
		return "Ranges do not match the direction."
	}
	for _, tg := range fw.TargetTags {
		if !rfc1035.MatchString(tg) {
			return fmt.Sprintf("Invalid value for field 'resource.targetTags[]': '%s'.", tg)
		}
	}
	for _, ranges := range [][]string{fw.SourceRanges, fw.DestinationRanges} {
		families := map[bool]bool{}
		for _, s := range ranges {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return fmt.Sprintf("Invalid value for field 'resource.sourceRanges[]': '%s'.", s)
			}
			families[p.Addr().Is4()] = true
		}
		if len(families) > 1 {
			return "Firewall rule cannot mix IPv4 and IPv6 ranges."
		}
	}
	return ""
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}

// apiError writes an error the way Google APIs do.
func apiError(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": code, "message": msg,
		"errors": []map[string]string{{"message": msg, "domain": "global", "reason": reason}},
	}})
}

// decodeFirewall reads a firewall as Compute Engine does: a rule sent without a
// priority gets the default 1000 (so a client that leaves a priority of 0 out,
// as omitempty would, is caught).
func decodeFirewall(body []byte) compute.Firewall {
	var fw compute.Firewall
	_ = json.Unmarshal(body, &fw)
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) == nil {
		if _, ok := fields["priority"]; !ok {
			fw.Priority = 1000
		}
	}
	return fw
}
