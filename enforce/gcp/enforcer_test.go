package gcp

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/option"

	"github.com/weirhq/weir/quarantine"
)

const (
	project = "weir-prod"
	qid     = "q-0123456789abcdef"
	tag     = "weir-q-0123456789abcdef"
)

// newEnv is an enforcer for project weir-prod against a fake holding:
// web-1 (us-central1-a, default network, 10.128.0.5, tags http-server and
// ssh), lab-vm (europe-west1-b, lab network, the same 10.128.0.5) and db-1
// (us-central1-b, nic0 on the Shared VPC host-proj/shared, nic1 on default).
func newEnv(t *testing.T, edit func(*Configuration)) (*Enforcer, *fakeCompute) {
	t.Helper()
	f := newFakeCompute(t)
	f.addInstance(project, "us-central1-a", "web-1", []string{"http-server", "ssh"}, "weir-prod/default=10.128.0.5")
	f.addInstance(project, "europe-west1-b", "lab-vm", nil, "weir-prod/lab=10.128.0.5")
	f.addInstance(project, "us-central1-b", "db-1", []string{"db"}, "host-proj/shared=10.10.0.7", "weir-prod/default=2600:1900:4000:1::7")
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := DefaultConfiguration()
	cfg.Project = project
	cfg.Endpoint = srv.URL + apiRoot
	if edit != nil {
		edit(&cfg)
	}
	e, err := New(cfg, option.WithoutAuthentication(), option.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return e, f
}

func web1() quarantine.Workload {
	return quarantine.Workload{Name: "web-1", Cloud: "gcp", Account: project, Region: "us-central1",
		IPs: []netip.Addr{netip.MustParseAddr("10.128.0.5")}, Instances: []string{"web-1"}}
}

func target(w quarantine.Workload, allow ...string) quarantine.Target {
	t := quarantine.Target{Quarantine: quarantine.Quarantine{ID: qid, Workload: w.Name}, Workload: w}
	for _, a := range allow {
		t.Allow = append(t.Allow, netip.MustParsePrefix(a))
	}
	return t
}

// Call records, as the fake writes them.
func fwList(p string) string {
	return fmt.Sprintf(`GET projects/%s/global/firewalls filter=name eq "%s-.*"`, p, tag)
}
func fwInsert(p, suffix string) string {
	return fmt.Sprintf("POST projects/%s/global/firewalls name=%s-%s", p, tag, suffix)
}
func fwUpdate(p, suffix string) string {
	return fmt.Sprintf("PUT projects/%s/global/firewalls/%s-%s", p, tag, suffix)
}
func fwDelete(p, suffix string) string {
	return fmt.Sprintf("DELETE projects/%s/global/firewalls/%s-%s", p, tag, suffix)
}
func waitGlobal(p string, op int) string {
	return fmt.Sprintf("POST projects/%s/global/operations/op-%d/wait", p, op)
}
func waitZone(p, zone string, op int) string {
	return fmt.Sprintf("POST projects/%s/zones/%s/operations/op-%d/wait", p, zone, op)
}
func setTags(zone, name, fingerprint string, items ...string) string {
	return fmt.Sprintf("POST projects/%s/zones/%s/instances/%s/setTags items=%v fingerprint=%s", project, zone, name, items, fingerprint)
}
func byName(name string) string {
	return fmt.Sprintf(`GET projects/%s/aggregated/instances filter=name = "%s"`, project, name)
}

const (
	listAll     = "GET projects/" + project + "/aggregated/instances"
	web1SetTags = "POST projects/" + project + "/zones/us-central1-a/instances/web-1/setTags"
)

// allRules are the ten rule kinds of a quarantine with IPv4 and IPv6 allowed,
// in creation order.
var allRules = []string{"allow-in4", "allow-out4", "allow-in6", "allow-out6", "dns4", "dns6",
	"deny-in4", "deny-in6", "deny-out4", "deny-out6"}

// rule is a firewall rule as a test reads it.
type rule struct {
	Project, Name, Network, Direction string
	Priority                          int64
	Action                            string // "allow all", "allow udp:53 tcp:53", "deny all"
	Ranges                            []string
	Targets                           []string
}

func (f *fakeCompute) ruleViews() []rule {
	var out []rule
	for _, fw := range f.rules() {
		r := rule{Name: fw.Name, Network: resourcePath(fw.Network), Direction: fw.Direction, Priority: fw.Priority,
			Ranges: append(fw.SourceRanges, fw.DestinationRanges...), Targets: fw.TargetTags}
		for k, v := range f.firewalls {
			if v == fw {
				r.Project, _, _ = strings.Cut(k, "/")
			}
		}
		var action []string
		for _, a := range fw.Allowed {
			action = append(action, strings.Join(append([]string{a.IPProtocol}, a.Ports...), ":"))
		}
		r.Action = "allow " + strings.Join(action, " ")
		if len(fw.Denied) > 0 {
			action = nil
			for _, d := range fw.Denied {
				action = append(action, d.IPProtocol)
			}
			r.Action = "deny " + strings.Join(action, " ")
		}
		out = append(out, r)
	}
	return out
}

func checkCalls(t *testing.T, f *fakeCompute, step string, want []string) {
	t.Helper()
	if diff := cmp.Diff(f.takeCalls(), want); diff != "" {
		t.Errorf("%s: calls (-got, +want):\n%s", step, diff)
	}
}

func TestApplyReleaseCycle(t *testing.T) {
	ctx := context.Background()
	e, f := newEnv(t, nil)
	tg := target(web1(), "192.0.2.10/32", "198.51.100.7/24", "2001:db8::/64", "::ffff:203.0.113.9/128", "192.0.2.10/32")

	// First Apply: find web-1 in its region's zones, create the ten rules, wait
	// for them, then tag the instance.
	if err := e.Apply(ctx, tg); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}
	want := []string{byName("web-1"), fwList(project)}
	for _, r := range allRules {
		want = append(want, fwInsert(project, r))
	}
	for i := range allRules {
		want = append(want, waitGlobal(project, i+1))
	}
	want = append(want, setTags("us-central1-a", "web-1", "fp-1", "http-server", "ssh", tag), waitZone(project, "us-central1-a", 11))
	checkCalls(t, f, "first Apply", want)

	def := "projects/weir-prod/global/networks/default"
	v4 := []string{"192.0.2.10/32", "198.51.100.0/24", "203.0.113.9/32"}
	v6 := []string{"2001:db8::/64"}
	targets := []string{tag}
	wantRules := []rule{
		{project, tag + "-allow-in4", def, "INGRESS", 0, "allow all", v4, targets},
		{project, tag + "-allow-in6", def, "INGRESS", 0, "allow all", v6, targets},
		{project, tag + "-allow-out4", def, "EGRESS", 0, "allow all", v4, targets},
		{project, tag + "-allow-out6", def, "EGRESS", 0, "allow all", v6, targets},
		{project, tag + "-deny-in4", def, "INGRESS", 1, "deny all", []string{"0.0.0.0/0"}, targets},
		{project, tag + "-deny-in6", def, "INGRESS", 1, "deny all", []string{"::/0"}, targets},
		{project, tag + "-deny-out4", def, "EGRESS", 1, "deny all", []string{"0.0.0.0/0"}, targets},
		{project, tag + "-deny-out6", def, "EGRESS", 1, "deny all", []string{"::/0"}, targets},
		{project, tag + "-dns4", def, "EGRESS", 0, "allow udp:53 tcp:53", []string{"0.0.0.0/0"}, targets},
		{project, tag + "-dns6", def, "EGRESS", 0, "allow udp:53 tcp:53", []string{"::/0"}, targets},
	}
	if diff := cmp.Diff(f.ruleViews(), wantRules); diff != "" {
		t.Errorf("rules after Apply (-got, +want):\n%s", diff)
	}
	if diff := cmp.Diff(f.tags(project, "us-central1-a", "web-1"), []string{"http-server", "ssh", tag}); diff != "" {
		t.Errorf("tags after Apply (-got, +want):\n%s", diff)
	}

	// Second Apply: everything is in place, so it only reads.
	if err := e.Apply(ctx, tg); err != nil {
		t.Fatalf("second Apply() error = %v", err)
	}
	checkCalls(t, f, "second Apply", []string{byName("web-1"), fwList(project)})

	// Release: untag first (the fingerprint is the one setTags left), then
	// delete every rule.
	if err := e.Release(ctx, tg); err != nil {
		t.Fatalf("Release() error = %v", err)
	}
	want = []string{byName("web-1"), setTags("us-central1-a", "web-1", "fp-4", "http-server", "ssh"),
		waitZone(project, "us-central1-a", 12), fwList(project)}
	for _, r := range wantRules {
		want = append(want, "DELETE projects/weir-prod/global/firewalls/"+r.Name)
	}
	for i := range wantRules {
		want = append(want, waitGlobal(project, 13+i))
	}
	checkCalls(t, f, "Release", want)
	if diff := cmp.Diff(f.tags(project, "us-central1-a", "web-1"), []string{"http-server", "ssh"}); diff != "" {
		t.Errorf("tags after Release (-got, +want):\n%s", diff)
	}
	if got := f.ruleViews(); len(got) != 0 {
		t.Errorf("rules after Release = %v, want none", got)
	}

	// Release again: nothing to do.
	if err := e.Release(ctx, tg); err != nil {
		t.Fatalf("second Release() error = %v", err)
	}
	checkCalls(t, f, "second Release", []string{byName("web-1"), fwList(project)})
}

func TestApplyIPv4OnlyAllowList(t *testing.T) {
	e, f := newEnv(t, func(c *Configuration) { c.Zone = "us-central1-a" })
	if err := e.Apply(context.Background(), target(web1(), "10.20.0.0/16")); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}
	want := []string{"GET projects/weir-prod/zones/us-central1-a/instances/web-1", fwList(project)}
	kinds := []string{"allow-in4", "allow-out4", "dns4", "dns6", "deny-in4", "deny-in6", "deny-out4", "deny-out6"}
	for _, k := range kinds {
		want = append(want, fwInsert(project, k))
	}
	for i := range kinds {
		want = append(want, waitGlobal(project, i+1))
	}
	want = append(want, setTags("us-central1-a", "web-1", "fp-1", "http-server", "ssh", tag), waitZone(project, "us-central1-a", 9))
	checkCalls(t, f, "Apply", want)
	for _, r := range f.ruleViews() {
		if strings.HasPrefix(r.Action, "allow all") && !cmp.Equal(r.Ranges, []string{"10.20.0.0/16"}) {
			t.Errorf("rule %s ranges = %v, want [10.20.0.0/16]", r.Name, r.Ranges)
		}
	}
}

// A changed allow list rewrites the allow rules and drops the ones no longer
// needed, without touching the tag.
func TestApplyChangedAllowList(t *testing.T) {
	ctx := context.Background()
	e, f := newEnv(t, nil)
	if err := e.Apply(ctx, target(web1(), "192.0.2.10/32", "2001:db8::/64")); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}
	f.takeCalls()
	if err := e.Apply(ctx, target(web1(), "192.0.2.0/28")); err != nil {
		t.Fatalf("Apply() with a new allow list error = %v", err)
	}
	checkCalls(t, f, "Apply with a new allow list", []string{byName("web-1"), fwList(project),
		fwUpdate(project, "allow-in4"), fwUpdate(project, "allow-out4"),
		fwDelete(project, "allow-in6"), fwDelete(project, "allow-out6"),
		waitGlobal(project, 12), waitGlobal(project, 13), waitGlobal(project, 14), waitGlobal(project, 15)})
	var allowRanges [][]string
	for _, r := range f.ruleViews() {
		if r.Action == "allow all" {
			allowRanges = append(allowRanges, r.Ranges)
		}
	}
	if diff := cmp.Diff(allowRanges, [][]string{{"192.0.2.0/28"}, {"192.0.2.0/28"}}); diff != "" {
		t.Errorf("allow rule ranges (-got, +want):\n%s", diff)
	}
}

// Without an instance name, the workload's address finds the instance among
// its region's zones; the namesake address in another region is not taken.
func TestApplyFindsInstanceByAddress(t *testing.T) {
	e, f := newEnv(t, nil)
	w := web1()
	w.Name, w.Instances = "Frontend (prod)", nil
	if err := e.Apply(context.Background(), target(w, "192.0.2.10/32")); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}
	calls := f.takeCalls()
	if len(calls) < 2 || calls[0] != listAll || calls[len(calls)-2] != setTags("us-central1-a", "web-1", "fp-1", "http-server", "ssh", tag) {
		t.Errorf("calls = %q, want an unfiltered aggregatedList first and setTags on web-1", calls)
	}
}

// A workload name that names another instance (here lab-vm, which has a
// different address) is not taken for the workload.
func TestApplyNameMustMatchAddress(t *testing.T) {
	e, f := newEnv(t, nil)
	w := quarantine.Workload{Name: "lab-vm", Cloud: "gcp", IPs: []netip.Addr{netip.MustParseAddr("10.128.0.99")}}
	err := e.Apply(context.Background(), target(w))
	if !errors.Is(err, quarantine.ErrPermanent) {
		t.Fatalf("Apply() error = %v, want permanent", err)
	}
	checkCalls(t, f, "Apply", []string{byName("lab-vm"), listAll})
}

func TestApplyAmbiguousAddress(t *testing.T) {
	e, f := newEnv(t, nil)
	w := quarantine.Workload{Name: "Frontend", Cloud: "gcp", IPs: []netip.Addr{netip.MustParseAddr("10.128.0.5")}}
	err := e.Apply(context.Background(), target(w))
	if !errors.Is(err, quarantine.ErrPermanent) || !strings.Contains(err.Error(), "europe-west1-b/lab-vm, us-central1-a/web-1") {
		t.Fatalf("Apply() error = %v, want a permanent error naming both instances", err)
	}
	checkCalls(t, f, "Apply", []string{listAll})
}

func TestWorkloadNotFound(t *testing.T) {
	ctx := context.Background()
	e, f := newEnv(t, func(c *Configuration) { c.Zone = "us-central1-a" })
	w := quarantine.Workload{Name: "app-7", Cloud: "gcp", Account: "other-project", Instances: []string{"ghost"},
		IPs: []netip.Addr{netip.MustParseAddr("10.9.9.9")}}
	err := e.Apply(ctx, target(w))
	if !errors.Is(err, quarantine.ErrPermanent) {
		t.Fatalf("Apply() error = %v, want permanent", err)
	}
	for _, s := range []string{"app-7", "[ghost app-7]", "10.9.9.9", "project weir-prod", "zone us-central1-a", `"other-project"`} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("Apply() error = %q, want it to say %q", err, s)
		}
	}
	checkCalls(t, f, "Apply", []string{"GET projects/weir-prod/zones/us-central1-a/instances/ghost",
		"GET projects/weir-prod/zones/us-central1-a/instances/app-7", listAll})

	// Releasing it changes nothing and succeeds: there is no tag to remove
	// and no rule to delete.
	if err := e.Release(ctx, target(w)); err != nil {
		t.Fatalf("Release() error = %v", err)
	}
	checkCalls(t, f, "Release", []string{"GET projects/weir-prod/zones/us-central1-a/instances/ghost",
		"GET projects/weir-prod/zones/us-central1-a/instances/app-7", listAll, fwList(project)})
}

// Failures retrying can fix come back plain, and the next Apply finishes the
// work without duplicates; the others are permanent at once.
func TestApplyFailures(t *testing.T) {
	for _, tc := range []struct {
		name      string
		inject    func(f *fakeCompute)
		permanent bool
		says      string
	}{
		{"503 on insert", func(f *fakeCompute) { f.fail(fwInsert(project, "dns4"), 503, "backendError") }, false,
			"compute.firewalls.insert " + tag + "-dns4 in project weir-prod for workload web-1"},
		{"429 on lookup", func(f *fakeCompute) { f.fail(byName("web-1"), 429, "rateLimitExceeded") }, false,
			"compute.instances.aggregatedList"},
		{"500 on list", func(f *fakeCompute) { f.fail(fwList(project), 500, "backendError") }, false, "compute.firewalls.list"},
		{"412 on setTags", func(f *fakeCompute) { f.fail(web1SetTags, 412, "conditionNotMet") }, false,
			"compute.instances.setTags web-1"},
		{"operation fails 503", func(f *fakeCompute) { f.failOperation(fwInsert(project, "deny-in4"), 503, "INTERNAL_ERROR") }, false,
			"operation op-5"},
		{"403 on insert", func(f *fakeCompute) { f.fail(fwInsert(project, "allow-in4"), 403, "forbidden") }, true,
			"compute.firewalls.insert"},
		{"403 on lookup", func(f *fakeCompute) { f.fail(byName("web-1"), 403, "forbidden") }, true, "Error 403"},
		{"operation fails 403", func(f *fakeCompute) { f.failOperation(fwInsert(project, "deny-in4"), 403, "QUOTA_EXCEEDED") }, true,
			"QUOTA_EXCEEDED"},
		{"404 on setTags", func(f *fakeCompute) { f.fail(web1SetTags, 404, "notFound") }, true, "setTags"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e, f := newEnv(t, nil)
			tg := target(web1(), "192.0.2.10/32")
			tc.inject(f)
			err := e.Apply(ctx, tg)
			if err == nil {
				t.Fatal("Apply() error = nil, want one")
			}
			if got := errors.Is(err, quarantine.ErrPermanent); got != tc.permanent {
				t.Errorf("Apply() error %q: permanent = %v, want %v", err, got, tc.permanent)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("Apply() error = %q, want it to say %q", err, tc.says)
			}
			if tc.permanent {
				return
			}
			f.takeCalls()
			if err := e.Apply(ctx, tg); err != nil {
				t.Fatalf("Apply() after the fault error = %v", err)
			}
			for _, c := range f.takeCalls() {
				if strings.HasPrefix(c, "DELETE") || strings.HasPrefix(c, "PUT") {
					t.Errorf("retry made %q, want only the missing work", c)
				}
			}
			if got := len(f.ruleViews()); got != 8 {
				t.Errorf("rules after retry = %d, want 8", got)
			}
			if diff := cmp.Diff(f.tags(project, "us-central1-a", "web-1"), []string{"http-server", "ssh", tag}); diff != "" {
				t.Errorf("tags after retry (-got, +want):\n%s", diff)
			}
		})
	}
}

// db-1's first interface is on a Shared VPC network: its rules go to the host
// project; its second network gets its own rules, named apart.
func TestSharedVPCAndSecondInterface(t *testing.T) {
	ctx := context.Background()
	e, f := newEnv(t, nil)
	w := quarantine.Workload{Name: "db-1", Cloud: "gcp", Region: "us-central1-b", Instances: []string{"zones/us-central1-b/instances/db-1"}}
	tg := target(w, "10.10.0.0/24")
	if err := e.Apply(ctx, tg); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}
	var got []string
	for _, r := range f.ruleViews() {
		got = append(got, r.Project+" "+strings.TrimPrefix(r.Name, tag)+" "+r.Network)
	}
	kinds := []string{"-allow-in4", "-allow-out4", "-deny-in4", "-deny-in6", "-deny-out4", "-deny-out6", "-dns4", "-dns6"}
	var want []string
	for _, k := range kinds {
		want = append(want, "host-proj "+k+" projects/host-proj/global/networks/shared")
	}
	for _, k := range kinds {
		want = append(want, "weir-prod -n1"+k+" projects/weir-prod/global/networks/default")
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("rules (-got, +want):\n%s", diff)
	}
	calls := f.takeCalls()
	if calls[1] != fwList("host-proj") || calls[10] != fwList(project) {
		t.Errorf("calls = %q, want the host project's rules listed first, then weir-prod's", calls)
	}

	if err := e.Release(ctx, tg); err != nil {
		t.Fatalf("Release() error = %v", err)
	}
	if got := f.ruleViews(); len(got) != 0 {
		t.Errorf("rules after Release = %v, want none", got)
	}
	if diff := cmp.Diff(f.tags(project, "us-central1-b", "db-1"), []string{"db"}); diff != "" {
		t.Errorf("tags after Release (-got, +want):\n%s", diff)
	}
}

func TestReleaseDeleteFailureIsRetried(t *testing.T) {
	ctx := context.Background()
	e, f := newEnv(t, nil)
	tg := target(web1())
	if err := e.Apply(ctx, tg); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}
	f.fail(fwDelete(project, "deny-in6"), 503, "backendError")
	err := e.Release(ctx, tg)
	if err == nil || errors.Is(err, quarantine.ErrPermanent) {
		t.Fatalf("Release() error = %v, want a transient one", err)
	}
	f.takeCalls()
	if err := e.Release(ctx, tg); err != nil {
		t.Fatalf("Release() again error = %v", err)
	}
	// The tag went on the first try; the retry deletes the rules still there.
	calls := f.takeCalls()
	if calls[1] != fwList(project) || !strings.HasPrefix(calls[2], "DELETE") {
		t.Errorf("retried Release calls = %q, want no setTags and the deletes", calls)
	}
	if got := f.ruleViews(); len(got) != 0 {
		t.Errorf("rules after Release = %v, want none", got)
	}
}

func TestReaches(t *testing.T) {
	e, _ := newEnv(t, nil)
	if !e.Reaches(quarantine.Workload{Cloud: "gcp"}) || e.Reaches(quarantine.Workload{Cloud: "aws"}) {
		t.Error("default enforcer: want it to reach gcp and only gcp")
	}
	e, _ = newEnv(t, func(c *Configuration) { c.Clouds = []string{"GCP", "gke"} })
	if !e.Reaches(quarantine.Workload{Cloud: "gke"}) || e.Reaches(quarantine.Workload{Cloud: ""}) {
		t.Error("clouds [GCP gke]: want it to reach gke and not an unknown cloud")
	}
	if e.Name() != "gcp" {
		t.Errorf("Name() = %q, want gcp", e.Name())
	}
}
