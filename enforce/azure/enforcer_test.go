package azure

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/quarantine"
)

// estate is the test subscription: web-1 (the workload) behind the
// customer's NSG app-nsg, a neighbour in the same resource group without an
// NSG, and a NIC elsewhere.
func estate(t *testing.T) *fakeCloud {
	f := newFakeCloud(t)
	f.addNSG("rg-app", "app-nsg", "eastus")
	f.addNIC("rg-app", "db-1-nic", "eastus", "10.1.0.9", "", map[string]string{"env": "prod"})
	f.addNIC("rg-app", "web-1-nic", "eastus", "10.1.0.4", "app-nsg", map[string]string{"env": "prod"})
	f.addNIC("rg-other", "other-nic", "westeurope", "10.2.0.4", "", map[string]string{"env": "dev"})
	return f
}

func target(id string, instances ...string) quarantine.Target {
	return quarantine.Target{
		Quarantine: quarantine.Quarantine{ID: id, Workload: "web-1"},
		Workload: quarantine.Workload{Name: "web-1", Cloud: "azure", IPs: []netip.Addr{netip.MustParseAddr("10.1.0.4")},
			Instances: append([]string{"web-1"}, instances...)},
		Allow: []netip.Prefix{netip.MustParsePrefix("10.9.0.1/32"), netip.MustParsePrefix("fd00::/64"),
			netip.MustParsePrefix("10.8.0.0/16")},
	}
}

func checkCalls(t *testing.T, f *fakeCloud, step string, want []string) {
	t.Helper()
	if diff := cmp.Diff(f.takeCalls(), want); diff != "" {
		t.Errorf("%s: calls (-got, +want):\n%s", step, diff)
	}
}

func TestApplyRelease(t *testing.T) {
	ctx := context.Background()
	f := estate(t)
	e := f.enforcer(DefaultConfiguration())
	before := f.snapshot()
	tgt := target("q-1")

	if err := e.Apply(ctx, tgt); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	checkCalls(t, f, "first Apply", []string{
		"Interfaces.ListAll",
		"SecurityGroups.Get rg-app/weir-quarantine-q-1",
		"SecurityGroups.CreateOrUpdate rg-app/weir-quarantine-q-1 location=eastus tags=weir-quarantine=q-1",
		"Interfaces.CreateOrUpdate rg-app/web-1-nic nsg=weir-quarantine-q-1 tags=env=prod,weir-previous-nsg=app-nsg,weir-quarantine=q-1",
	})
	nic := f.nic("web-1-nic")
	if got, want := currentNSG(nic), f.id("rg-app", "networkSecurityGroups", "weir-quarantine-q-1"); got != want {
		t.Errorf("NIC's NSG after Apply = %s, want %s", got, want)
	}
	if got, want := tag(nic.Tags, previousTag), f.id("rg-app", "networkSecurityGroups", "app-nsg"); got != want {
		t.Errorf("saved previous NSG = %q, want %q", got, want)
	}
	if n := f.nsg("weir-quarantine-q-1"); n == nil || !deref(n.Properties.FlushConnection) {
		t.Errorf("quarantine NSG %+v: want it created with flushConnection", n)
	}
	if n := f.nic("db-1-nic"); currentNSG(n) != "" || len(n.Tags) != 1 {
		t.Errorf("the neighbour NIC was changed: %+v", n)
	}

	if err := e.Apply(ctx, tgt); err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	checkCalls(t, f, "second Apply", []string{
		"Interfaces.ListAll",
		"SecurityGroups.Get rg-app/weir-quarantine-q-1",
	})

	if err := e.Release(ctx, tgt); err != nil {
		t.Fatalf("Release: %v", err)
	}
	checkCalls(t, f, "Release", []string{
		"Interfaces.ListAll",
		"Interfaces.CreateOrUpdate rg-app/web-1-nic nsg=app-nsg tags=env=prod",
		"SecurityGroups.ListAll",
		"SecurityGroups.Delete rg-app/weir-quarantine-q-1",
	})
	if diff := cmp.Diff(f.snapshot(), before); diff != "" {
		t.Errorf("estate after Release (-got, +before Apply):\n%s", diff)
	}

	if err := e.Release(ctx, tgt); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	checkCalls(t, f, "second Release", []string{"Interfaces.ListAll", "SecurityGroups.ListAll"})
	if diff := cmp.Diff(f.snapshot(), before); diff != "" {
		t.Errorf("estate after second Release (-got, +before Apply):\n%s", diff)
	}
}

// A NIC named by its resource id is read directly, and a NIC without an NSG
// gets none back.
func TestApplyReleaseByNICID(t *testing.T) {
	ctx := context.Background()
	f := estate(t)
	id := f.addNIC("rg-vm", "vm-7-nic", "northeurope", "10.3.0.7", "", map[string]string{"owner": "ops"})
	e := f.enforcer(Configuration{ResourceGroup: "rg-app"}) // an explicit id is used wherever it points
	before := f.snapshot()
	tgt := target("q-2", id)
	tgt.Workload.IPs = nil

	if err := e.Apply(ctx, tgt); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	checkCalls(t, f, "Apply", []string{
		"Interfaces.Get rg-vm/vm-7-nic",
		"SecurityGroups.Get rg-vm/weir-quarantine-q-2",
		"SecurityGroups.CreateOrUpdate rg-vm/weir-quarantine-q-2 location=northeurope tags=weir-quarantine=q-2",
		"Interfaces.CreateOrUpdate rg-vm/vm-7-nic nsg=weir-quarantine-q-2 tags=owner=ops,weir-previous-nsg=none,weir-quarantine=q-2",
	})
	if err := e.Apply(ctx, tgt); err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	checkCalls(t, f, "second Apply", []string{"Interfaces.Get rg-vm/vm-7-nic", "SecurityGroups.Get rg-vm/weir-quarantine-q-2"})

	if err := e.Release(ctx, tgt); err != nil {
		t.Fatalf("Release: %v", err)
	}
	checkCalls(t, f, "Release", []string{
		"Interfaces.Get rg-vm/vm-7-nic",
		"Interfaces.CreateOrUpdate rg-vm/vm-7-nic nsg=none tags=owner=ops",
		"SecurityGroups.List rg-vm",
		"SecurityGroups.Delete rg-vm/weir-quarantine-q-2",
	})
	if diff := cmp.Diff(f.snapshot(), before); diff != "" {
		t.Errorf("estate after Release (-got, +before Apply):\n%s", diff)
	}
	if err := e.Release(ctx, tgt); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	checkCalls(t, f, "second Release", []string{"Interfaces.Get rg-vm/vm-7-nic", "SecurityGroups.List rg-vm"})
}

func TestResourceGroupScope(t *testing.T) {
	ctx := context.Background()
	f := estate(t)
	e := f.enforcer(Configuration{ResourceGroup: "rg-app"})
	tgt := target("q-3")
	if err := e.Apply(ctx, tgt); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if err := e.Release(ctx, tgt); err != nil {
		t.Fatalf("Release: %v", err)
	}
	checkCalls(t, f, "Apply and Release", []string{
		"Interfaces.List rg-app",
		"SecurityGroups.Get rg-app/weir-quarantine-q-3",
		"SecurityGroups.CreateOrUpdate rg-app/weir-quarantine-q-3 location=eastus tags=weir-quarantine=q-3",
		"Interfaces.CreateOrUpdate rg-app/web-1-nic nsg=weir-quarantine-q-3 tags=env=prod,weir-previous-nsg=app-nsg,weir-quarantine=q-3",
		"Interfaces.List rg-app",
		"Interfaces.CreateOrUpdate rg-app/web-1-nic nsg=app-nsg tags=env=prod",
		"SecurityGroups.List rg-app",
		"SecurityGroups.Delete rg-app/weir-quarantine-q-3",
	})
}

// When the NIC's NSG was changed while quarantined, Apply puts the
// quarantine NSG back and keeps the NSG saved the first time.
func TestApplyKeepsSavedNSG(t *testing.T) {
	ctx := context.Background()
	f := estate(t)
	f.addNSG("rg-app", "other-nsg", "eastus")
	e := f.enforcer(DefaultConfiguration())
	tgt := target("q-1")
	if err := e.Apply(ctx, tgt); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	f.mu.Lock()
	f.nics[1].Properties.NetworkSecurityGroup.ID = f.nsgs[1].ID // someone swaps in other-nsg
	f.mu.Unlock()
	f.takeCalls()
	if err := e.Apply(ctx, tgt); err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	checkCalls(t, f, "second Apply", []string{
		"Interfaces.ListAll",
		"SecurityGroups.Get rg-app/weir-quarantine-q-1",
		"Interfaces.CreateOrUpdate rg-app/web-1-nic nsg=weir-quarantine-q-1 tags=env=prod,weir-previous-nsg=app-nsg,weir-quarantine=q-1",
	})
}

// A NIC still held by an earlier quarantine (failed, never released) keeps
// its original NSG as the one to restore, not the earlier quarantine's.
func TestApplyTakesOverEarlierQuarantine(t *testing.T) {
	ctx := context.Background()
	f := estate(t)
	e := f.enforcer(DefaultConfiguration())
	if err := e.Apply(ctx, target("q-old")); err != nil {
		t.Fatalf("Apply q-old: %v", err)
	}
	f.takeCalls()
	if err := e.Apply(ctx, target("q-new")); err != nil {
		t.Fatalf("Apply q-new: %v", err)
	}
	checkCalls(t, f, "Apply q-new", []string{
		"Interfaces.ListAll",
		"SecurityGroups.Get rg-app/weir-quarantine-q-new",
		"SecurityGroups.CreateOrUpdate rg-app/weir-quarantine-q-new location=eastus tags=weir-quarantine=q-new",
		"Interfaces.CreateOrUpdate rg-app/web-1-nic nsg=weir-quarantine-q-new tags=env=prod,weir-previous-nsg=app-nsg,weir-quarantine=q-new",
	})
	if err := e.Release(ctx, target("q-new")); err != nil {
		t.Fatalf("Release q-new: %v", err)
	}
	if got := short(currentNSG(f.nic("web-1-nic"))); got != "app-nsg" {
		t.Errorf("NSG after releasing q-new = %s, want app-nsg", got)
	}
}

// A Release that stopped after restoring the NIC deletes the NSG next time.
func TestReleaseResumes(t *testing.T) {
	ctx := context.Background()
	f := estate(t)
	e := f.enforcer(DefaultConfiguration())
	before := f.snapshot()
	tgt := target("q-1")
	if err := e.Apply(ctx, tgt); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	f.failOnce("SecurityGroups.Delete", http.StatusServiceUnavailable, "ServiceUnavailable")
	if err := e.Release(ctx, tgt); err == nil || errors.Is(err, quarantine.ErrPermanent) {
		t.Fatalf("Release with the delete failing: %v; want a transient error", err)
	}
	f.takeCalls()
	if err := e.Release(ctx, tgt); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	checkCalls(t, f, "second Release", []string{
		"Interfaces.ListAll",
		"SecurityGroups.ListAll",
		"SecurityGroups.Delete rg-app/weir-quarantine-q-1",
	})
	if diff := cmp.Diff(f.snapshot(), before); diff != "" {
		t.Errorf("estate after Release (-got, +before Apply):\n%s", diff)
	}
}

func TestWorkloadNotFound(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		tgt       func(f *fakeCloud) quarantine.Target
		wantCalls []string
		wantText  []string
	}{
		{"no NIC has its IP", func(*fakeCloud) quarantine.Target {
			tgt := target("q-1")
			tgt.Workload.IPs = []netip.Addr{netip.MustParseAddr("10.7.7.7")}
			return tgt
		}, []string{"Interfaces.ListAll"}, []string{"web-1", "10.7.7.7", testSub}},
		{"NIC id does not exist", func(f *fakeCloud) quarantine.Target {
			return target("q-1", f.id("rg-app", "networkInterfaces", "gone-nic"))
		}, []string{"Interfaces.Get rg-app/gone-nic"}, []string{"web-1", "/networkInterfaces/gone-nic", "does not exist"}},
		{"NIC in another subscription", func(*fakeCloud) quarantine.Target {
			return target("q-1", "/subscriptions/99999999-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/n")
		}, nil, []string{"web-1", "99999999-2222-3333-4444-555555555555", testSub}},
		{"nothing to look for", func(*fakeCloud) quarantine.Target {
			tgt := target("q-1")
			tgt.Workload.IPs = nil
			return tgt
		}, nil, []string{"web-1", "no network interface id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := estate(t)
			e := f.enforcer(DefaultConfiguration())
			before := f.snapshot()
			err := e.Apply(ctx, tt.tgt(f))
			if !errors.Is(err, quarantine.ErrPermanent) {
				t.Fatalf("Apply: %v; want a permanent error", err)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			checkCalls(t, f, "Apply", tt.wantCalls)
			if f.snapshot() != before {
				t.Error("Apply changed the estate")
			}
		})
	}
}

func TestAPIErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		call          string
		status        int
		code          string
		wantPermanent bool
	}{
		{"Interfaces.ListAll", http.StatusServiceUnavailable, "ServiceUnavailable", false},
		{"Interfaces.ListAll", http.StatusTooManyRequests, "TooManyRequests", false},
		{"Interfaces.ListAll", http.StatusForbidden, "AuthorizationFailed", true},
		{"SecurityGroups.Get", http.StatusInternalServerError, "InternalServerError", false},
		{"SecurityGroups.CreateOrUpdate", http.StatusForbidden, "AuthorizationFailed", true},
		{"SecurityGroups.CreateOrUpdate", http.StatusTooManyRequests, "RetryableError", false},
		{"Interfaces.CreateOrUpdate", http.StatusBadGateway, "BadGateway", false},
		{"Interfaces.CreateOrUpdate", http.StatusConflict, "AnotherOperationInProgress", false},
		{"Interfaces.CreateOrUpdate", http.StatusConflict, "Conflict", false},
		{"Interfaces.CreateOrUpdate", http.StatusBadRequest, "InvalidRequestFormat", true},
		{"Interfaces.CreateOrUpdate", http.StatusNotFound, "NotFound", true},
	}
	for _, tt := range tests {
		t.Run(tt.call+" "+tt.code, func(t *testing.T) {
			f := estate(t)
			e := f.enforcer(DefaultConfiguration())
			f.failOnce(tt.call, tt.status, tt.code)
			err := e.Apply(ctx, target("q-1"))
			if err == nil || errors.Is(err, quarantine.ErrPermanent) != tt.wantPermanent {
				t.Fatalf("Apply: %v; want an error, permanent: %v", err, tt.wantPermanent)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.code) || !strings.Contains(msg, "workload web-1") || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line naming %s and the workload", err, tt.code)
			}
			// What a retry does: it finishes the job, whatever was done before.
			if err := e.Apply(ctx, target("q-1")); err != nil {
				t.Fatalf("Apply again: %v", err)
			}
			nic := f.nic("web-1-nic")
			if short(currentNSG(nic)) != "weir-quarantine-q-1" || short(tag(nic.Tags, previousTag)) != "app-nsg" {
				t.Errorf("after the retry: NSG %s, saved %s", currentNSG(nic), tag(nic.Tags, previousTag))
			}
		})
	}
}

func TestReleaseErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		call          string
		status        int
		code          string
		wantPermanent bool
	}{
		{"Interfaces.ListAll", http.StatusServiceUnavailable, "ServiceUnavailable", false},
		{"Interfaces.CreateOrUpdate", http.StatusForbidden, "AuthorizationFailed", true},
		{"Interfaces.CreateOrUpdate", http.StatusTooManyRequests, "TooManyRequests", false},
		{"SecurityGroups.ListAll", http.StatusInternalServerError, "InternalServerError", false},
		{"SecurityGroups.Delete", http.StatusForbidden, "AuthorizationFailed", true},
	}
	for _, tt := range tests {
		t.Run(tt.call+" "+tt.code, func(t *testing.T) {
			f := estate(t)
			e := f.enforcer(DefaultConfiguration())
			before := f.snapshot()
			if err := e.Apply(ctx, target("q-1")); err != nil {
				t.Fatal(err)
			}
			f.failOnce(tt.call, tt.status, tt.code)
			err := e.Release(ctx, target("q-1"))
			if err == nil || errors.Is(err, quarantine.ErrPermanent) != tt.wantPermanent {
				t.Fatalf("Release: %v; want an error, permanent: %v", err, tt.wantPermanent)
			}
			if err := e.Release(ctx, target("q-1")); err != nil {
				t.Fatalf("Release again: %v", err)
			}
			if diff := cmp.Diff(f.snapshot(), before); diff != "" {
				t.Errorf("estate after the retried Release (-got, +before Apply):\n%s", diff)
			}
		})
	}
}

// A NIC deleted while quarantined has nothing to restore; Release still
// removes the quarantine NSG.
func TestReleaseDeletedNIC(t *testing.T) {
	ctx := context.Background()
	f := estate(t)
	id := f.addNIC("rg-vm", "vm-7-nic", "northeurope", "10.3.0.7", "", map[string]string{"owner": "ops"})
	e := f.enforcer(DefaultConfiguration())
	tgt := target("q-2", id)
	if err := e.Apply(ctx, tgt); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	f.mu.Lock()
	f.nics = f.nics[:len(f.nics)-1]
	f.mu.Unlock()
	f.takeCalls()
	if err := e.Release(ctx, tgt); err != nil {
		t.Fatalf("Release: %v", err)
	}
	checkCalls(t, f, "Release", []string{
		"Interfaces.Get rg-vm/vm-7-nic",
		"SecurityGroups.List rg-vm",
		"SecurityGroups.Delete rg-vm/weir-quarantine-q-2",
	})
}

func TestReachesAndConfig(t *testing.T) {
	f := newFakeCloud(t)
	e := f.enforcer(Configuration{})
	for cloud, want := range map[string]bool{"azure": true, "aws": false, "": false} {
		if got := e.Reaches(quarantine.Workload{Cloud: cloud}); got != want {
			t.Errorf("Reaches(cloud %q) = %v, want %v", cloud, got, want)
		}
	}
	if e.Name() != "azure" {
		t.Errorf("Name() = %q", e.Name())
	}
	for _, tt := range []struct {
		cfg   Configuration
		field string
	}{
		{Configuration{}, "subscription_id"},
		{Configuration{SubscriptionID: "my-sub"}, "subscription_id"},
		{Configuration{SubscriptionID: testSub, ResourceGroup: "bad/rg"}, "resource_group"},
		{Configuration{SubscriptionID: testSub, ResourceGroup: "ends-with."}, "resource_group"},
		{Configuration{SubscriptionID: testSub, Clouds: []string{"Azure"}}, "clouds"},
	} {
		_, err := New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("New(%+v) = %v; want an error naming %s", tt.cfg, err, tt.field)
		}
	}
	if err := (Configuration{SubscriptionID: testSub, ResourceGroup: "rg-App_1(x)"}).Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// The real constructor builds DefaultAzureCredential without contacting anything.
	if _, err := New(Configuration{SubscriptionID: testSub}); err != nil {
		t.Errorf("New with the default credential: %v", err)
	}
}
