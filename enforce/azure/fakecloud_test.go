package azure

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7/fake"
)

// fakeCloud is one Azure subscription's NICs and NSGs behind the SDK's own
// fake servers (armnetwork/v7/fake): the enforcer's clients run their real
// request, paging and polling code against it, and it records every call in
// order. Like Azure, it refuses to attach an NSG that does not exist, to
// attach one from another location, and to delete one still attached.
type fakeCloud struct {
	t     *testing.T
	sub   string
	mu    sync.Mutex
	nics  []*armnetwork.Interface // in listing order
	nsgs  []*armnetwork.SecurityGroup
	calls []string
	fail  map[string]failure // by call name, answered once
}

type failure struct {
	status int
	code   string
}

const testSub = "11111111-2222-3333-4444-555555555555"

func newFakeCloud(t *testing.T) *fakeCloud {
	return &fakeCloud{t: t, sub: testSub, fail: map[string]failure{}}
}

func (f *fakeCloud) id(rg, typ, name string) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/%s/%s", f.sub, rg, typ, name)
}

// addNIC adds a NIC with one IP configuration; nsg is an NSG name in rg, or "".
func (f *fakeCloud) addNIC(rg, name, location, ip, nsg string, tags map[string]string) string {
	n := &armnetwork.Interface{
		ID: to.Ptr(f.id(rg, "networkInterfaces", name)), Name: to.Ptr(name), Location: to.Ptr(location),
		Type: to.Ptr("Microsoft.Network/networkInterfaces"), Etag: to.Ptr(`W/"1"`),
		Properties: &armnetwork.InterfacePropertiesFormat{
			EnableAcceleratedNetworking: to.Ptr(true),
			IPConfigurations: []*armnetwork.InterfaceIPConfiguration{{
				Name: to.Ptr("ipconfig1"), ID: to.Ptr(f.id(rg, "networkInterfaces", name) + "/ipConfigurations/ipconfig1"),
				Properties: &armnetwork.InterfaceIPConfigurationPropertiesFormat{
					PrivateIPAddress: to.Ptr(ip), Primary: to.Ptr(true),
					Subnet: &armnetwork.Subnet{ID: to.Ptr(f.id(rg, "virtualNetworks", "vnet") + "/subnets/default")},
				},
			}},
		},
	}
	if nsg != "" {
		n.Properties.NetworkSecurityGroup = &armnetwork.SecurityGroup{ID: to.Ptr(f.id(rg, "networkSecurityGroups", nsg))}
	}
	if tags != nil {
		n.Tags = map[string]*string{}
		for k, v := range tags {
			n.Tags[k] = to.Ptr(v)
		}
	}
	f.nics = append(f.nics, n)
	return *n.ID
}

// addNSG adds a customer's NSG with one rule.
func (f *fakeCloud) addNSG(rg, name, location string) {
	f.nsgs = append(f.nsgs, &armnetwork.SecurityGroup{
		ID: to.Ptr(f.id(rg, "networkSecurityGroups", name)), Name: to.Ptr(name), Location: to.Ptr(location),
		Properties: &armnetwork.SecurityGroupPropertiesFormat{SecurityRules: []*armnetwork.SecurityRule{
			rule("allow-https", 300, armnetwork.SecurityRuleDirectionInbound, armnetwork.SecurityRuleAccessAllow,
				armnetwork.SecurityRuleProtocolTCP, "443", "web"),
		}},
	})
}

// failOnce makes the next call named call answer with an HTTP error.
func (f *fakeCloud) failOnce(call string, status int, code string) {
	f.fail[call] = failure{status, code}
}

// takeCalls returns the calls recorded since the last time.
func (f *fakeCloud) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// snapshot is the whole estate as JSON, to compare before and after.
func (f *fakeCloud) snapshot() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := json.MarshalIndent(struct {
		NICs []*armnetwork.Interface
		NSGs []*armnetwork.SecurityGroup
	}{f.nics, f.nsgs}, "", " ")
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

func (f *fakeCloud) nic(name string) *armnetwork.Interface {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.find(f.nics, "", name)
	if i < 0 {
		f.t.Fatalf("no NIC %s", name)
	}
	return clone(f.nics[i])
}

func (f *fakeCloud) nsg(name string) *armnetwork.SecurityGroup {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.find(f.nsgs, "", name)
	if i < 0 {
		return nil
	}
	return clone(f.nsgs[i])
}

// enforcer is an Enforcer whose clients talk to f.
func (f *fakeCloud) enforcer(cfg Configuration) *Enforcer {
	f.t.Helper()
	cfg.SubscriptionID = f.sub
	srv := &fake.ServerFactory{InterfacesServer: f.interfacesServer(), SecurityGroupsServer: f.securityGroupsServer()}
	tr := &freshAfterError{srv: srv, tr: fake.NewServerFactoryTransport(srv)}
	e, err := New(cfg,
		WithCredential(&azfake.TokenCredential{}),
		WithClientOptions(arm.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: tr}}),
		WithPollFrequency(time.Millisecond))
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

// freshAfterError passes requests to the SDK's fake transport and replaces
// it after an error. The fake keeps a pager registered once it has served an
// error page, so the next list on the same path would meet an empty pager;
// Azure has no such memory. The state lives in fakeCloud, so nothing else is
// lost, and an error ends the operation that met it.
type freshAfterError struct {
	mu  sync.Mutex
	srv *fake.ServerFactory
	tr  *fake.ServerFactoryTransport
}

func (t *freshAfterError) Do(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	tr := t.tr
	t.mu.Unlock()
	resp, err := tr.Do(req)
	if err != nil {
		t.mu.Lock()
		t.tr = fake.NewServerFactoryTransport(t.srv)
		t.mu.Unlock()
	}
	return resp, err
}

// record notes a call and returns the failure to answer with, if any.
func (f *fakeCloud) record(call, detail string) (failure, bool) {
	f.calls = append(f.calls, strings.TrimSpace(call+" "+detail))
	fl, ok := f.fail[call]
	delete(f.fail, call)
	return fl, ok
}

func (f *fakeCloud) interfacesServer() fake.InterfacesServer {
	return fake.InterfacesServer{
		NewListAllPager: func(*armnetwork.InterfacesClientListAllOptions) (resp azfake.PagerResponder[armnetwork.InterfacesClientListAllResponse]) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if fl, ok := f.record("Interfaces.ListAll", ""); ok {
				resp.AddResponseError(fl.status, fl.code)
				return resp
			}
			// One NIC a page, so the enforcer's paging is exercised.
			for _, n := range f.nics {
				resp.AddPage(http.StatusOK, armnetwork.InterfacesClientListAllResponse{
					InterfaceListResult: armnetwork.InterfaceListResult{Value: []*armnetwork.Interface{clone(n)}}}, nil)
			}
			if len(f.nics) == 0 {
				resp.AddPage(http.StatusOK, armnetwork.InterfacesClientListAllResponse{}, nil)
			}
			return resp
		},
		NewListPager: func(rg string, _ *armnetwork.InterfacesClientListOptions) (resp azfake.PagerResponder[armnetwork.InterfacesClientListResponse]) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if fl, ok := f.record("Interfaces.List", rg); ok {
				resp.AddResponseError(fl.status, fl.code)
				return resp
			}
			var page armnetwork.InterfacesClientListResponse
			for _, n := range f.nics {
				if strings.EqualFold(rgOf(*n.ID), rg) {
					page.Value = append(page.Value, clone(n))
				}
			}
			resp.AddPage(http.StatusOK, page, nil)
			return resp
		},
		Get: func(_ context.Context, rg, name string, _ *armnetwork.InterfacesClientGetOptions) (resp azfake.Responder[armnetwork.InterfacesClientGetResponse], errResp azfake.ErrorResponder) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if fl, ok := f.record("Interfaces.Get", rg+"/"+name); ok {
				errResp.SetResponseError(fl.status, fl.code)
				return
			}
			i := f.find(f.nics, rg, name)
			if i < 0 {
				errResp.SetResponseError(http.StatusNotFound, "NotFound")
				return
			}
			resp.SetResponse(http.StatusOK, armnetwork.InterfacesClientGetResponse{Interface: *clone(f.nics[i])}, nil)
			return
		},
		BeginCreateOrUpdate: func(_ context.Context, rg, name string, n armnetwork.Interface, _ *armnetwork.InterfacesClientBeginCreateOrUpdateOptions) (resp azfake.PollerResponder[armnetwork.InterfacesClientCreateOrUpdateResponse], errResp azfake.ErrorResponder) {
			f.mu.Lock()
			defer f.mu.Unlock()
			nsg := "none"
			if n.Properties != nil && n.Properties.NetworkSecurityGroup != nil {
				nsg = short(deref(n.Properties.NetworkSecurityGroup.ID))
			}
			if fl, ok := f.record("Interfaces.CreateOrUpdate", fmt.Sprintf("%s/%s nsg=%s tags=%s", rg, name, nsg, tagList(n.Tags))); ok {
				errResp.SetResponseError(fl.status, fl.code)
				return
			}
			i := f.find(f.nics, rg, name)
			if i < 0 { // the enforcer only ever updates NICs
				errResp.SetResponseError(http.StatusNotFound, "NotFound")
				return
			}
			if nsg != "none" {
				j := f.find(f.nsgs, rgOf(*n.Properties.NetworkSecurityGroup.ID), nsg)
				if j < 0 {
					errResp.SetResponseError(http.StatusBadRequest, "InvalidResourceReference")
					return
				}
				if !strings.EqualFold(deref(f.nsgs[j].Location), deref(f.nics[i].Location)) {
					errResp.SetResponseError(http.StatusBadRequest, "NetworkSecurityGroupInDifferentLocation")
					return
				}
			}
			stored := clone(&n)
			stored.ID, stored.Name, stored.Location = f.nics[i].ID, f.nics[i].Name, f.nics[i].Location
			f.nics[i] = stored
			resp.AddNonTerminalResponse(http.StatusCreated, nil)
			resp.SetTerminalResponse(http.StatusOK, armnetwork.InterfacesClientCreateOrUpdateResponse{Interface: *clone(stored)}, nil)
			return
		},
	}
}

func (f *fakeCloud) securityGroupsServer() fake.SecurityGroupsServer {
	return fake.SecurityGroupsServer{
		Get: func(_ context.Context, rg, name string, _ *armnetwork.SecurityGroupsClientGetOptions) (resp azfake.Responder[armnetwork.SecurityGroupsClientGetResponse], errResp azfake.ErrorResponder) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if fl, ok := f.record("SecurityGroups.Get", rg+"/"+name); ok {
				errResp.SetResponseError(fl.status, fl.code)
				return
			}
			i := f.find(f.nsgs, rg, name)
			if i < 0 {
				errResp.SetResponseError(http.StatusNotFound, "ResourceNotFound")
				return
			}
			resp.SetResponse(http.StatusOK, armnetwork.SecurityGroupsClientGetResponse{SecurityGroup: *clone(f.nsgs[i])}, nil)
			return
		},
		BeginCreateOrUpdate: func(_ context.Context, rg, name string, g armnetwork.SecurityGroup, _ *armnetwork.SecurityGroupsClientBeginCreateOrUpdateOptions) (resp azfake.PollerResponder[armnetwork.SecurityGroupsClientCreateOrUpdateResponse], errResp azfake.ErrorResponder) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if fl, ok := f.record("SecurityGroups.CreateOrUpdate", fmt.Sprintf("%s/%s location=%s tags=%s", rg, name, deref(g.Location), tagList(g.Tags))); ok {
				errResp.SetResponseError(fl.status, fl.code)
				return
			}
			if g.Location == nil {
				errResp.SetResponseError(http.StatusBadRequest, "LocationRequired")
				return
			}
			stored := clone(&g)
			stored.ID, stored.Name = to.Ptr(f.id(rg, "networkSecurityGroups", name)), to.Ptr(name)
			if i := f.find(f.nsgs, rg, name); i >= 0 {
				f.nsgs[i] = stored
			} else {
				f.nsgs = append(f.nsgs, stored)
			}
			resp.AddNonTerminalResponse(http.StatusCreated, nil)
			resp.SetTerminalResponse(http.StatusOK, armnetwork.SecurityGroupsClientCreateOrUpdateResponse{SecurityGroup: *clone(stored)}, nil)
			return
		},
		BeginDelete: func(_ context.Context, rg, name string, _ *armnetwork.SecurityGroupsClientBeginDeleteOptions) (resp azfake.PollerResponder[armnetwork.SecurityGroupsClientDeleteResponse], errResp azfake.ErrorResponder) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if fl, ok := f.record("SecurityGroups.Delete", rg+"/"+name); ok {
				errResp.SetResponseError(fl.status, fl.code)
				return
			}
			i := f.find(f.nsgs, rg, name)
			if i < 0 {
				errResp.SetResponseError(http.StatusNotFound, "ResourceNotFound")
				return
			}
			for _, n := range f.nics {
				if strings.EqualFold(currentNSG(n), *f.nsgs[i].ID) {
					errResp.SetResponseError(http.StatusBadRequest, "InUseNetworkSecurityGroupCannotBeDeleted")
					return
				}
			}
			f.nsgs = slices.Delete(f.nsgs, i, i+1)
			resp.AddNonTerminalResponse(http.StatusAccepted, nil)
			resp.SetTerminalResponse(http.StatusOK, armnetwork.SecurityGroupsClientDeleteResponse{}, nil)
			return
		},
		NewListAllPager: func(*armnetwork.SecurityGroupsClientListAllOptions) (resp azfake.PagerResponder[armnetwork.SecurityGroupsClientListAllResponse]) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if fl, ok := f.record("SecurityGroups.ListAll", ""); ok {
				resp.AddResponseError(fl.status, fl.code)
				return resp
			}
			var page armnetwork.SecurityGroupsClientListAllResponse
			for _, g := range f.nsgs {
				page.Value = append(page.Value, clone(g))
			}
			resp.AddPage(http.StatusOK, page, nil)
			return resp
		},
		NewListPager: func(rg string, _ *armnetwork.SecurityGroupsClientListOptions) (resp azfake.PagerResponder[armnetwork.SecurityGroupsClientListResponse]) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if fl, ok := f.record("SecurityGroups.List", rg); ok {
				resp.AddResponseError(fl.status, fl.code)
				return resp
			}
			var page armnetwork.SecurityGroupsClientListResponse
			for _, g := range f.nsgs {
				if strings.EqualFold(rgOf(*g.ID), rg) {
					page.Value = append(page.Value, clone(g))
				}
			}
			resp.AddPage(http.StatusOK, page, nil)
			return resp
		},
	}
}

// find is the index of the resource named name (in rg, unless rg is ""), or -1.
func (f *fakeCloud) find(list any, rg, name string) int {
	match := func(id, n *string) bool {
		return strings.EqualFold(deref(n), name) && (rg == "" || strings.EqualFold(rgOf(deref(id)), rg))
	}
	switch l := list.(type) {
	case []*armnetwork.Interface:
		return slices.IndexFunc(l, func(x *armnetwork.Interface) bool { return match(x.ID, x.Name) })
	case []*armnetwork.SecurityGroup:
		return slices.IndexFunc(l, func(x *armnetwork.SecurityGroup) bool { return match(x.ID, x.Name) })
	}
	panic("find: unknown list")
}

func rgOf(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "resourceGroups") {
			return parts[i+1]
		}
	}
	return ""
}

// short is the last segment of a resource id, to keep call records readable.
func short(id string) string {
	return id[strings.LastIndex(id, "/")+1:]
}

// tagList is "k=v,…" sorted, resource ids shortened.
func tagList(tags map[string]*string) string {
	var kv []string
	for k, v := range tags {
		kv = append(kv, k+"="+short(deref(v)))
	}
	slices.Sort(kv)
	return strings.Join(kv, ",")
}

// clone deep-copies an SDK model through its JSON form, as the wire would.
func clone[T any](v *T) *T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}
