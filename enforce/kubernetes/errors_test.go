package kubernetes

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"

	"github.com/weirhq/weir/quarantine"
)

// TestAPIErrors makes the fake answer one call with an API error and checks
// the retry decision, the error's wording, and that nothing ran after it.
func TestAPIErrors(t *testing.T) {
	pods := schema.GroupResource{Resource: "pods"}
	nps := schema.GroupResource{Group: "networking.k8s.io", Resource: "networkpolicies"}
	tests := []struct {
		name, verb, resource string
		err                  error
		release              bool
		wantPermanent        bool
		wantCalls            []string
		wantIn               string
	}{{
		name: "unavailable", verb: "get", resource: "pods",
		err:       apierrors.NewServiceUnavailable("etcd leader changed"),
		wantCalls: []string{"get pods shop/web-1"},
		wantIn:    "kubernetes: get pod shop/web-1 of workload web-1: etcd leader changed",
	}, {
		name: "throttled", verb: "create", resource: "networkpolicies",
		err:       apierrors.NewTooManyRequests("slow down", 1),
		wantCalls: []string{"get pods shop/web-1", "get networkpolicies shop/" + policy, "create networkpolicies shop/" + policy},
		wantIn:    "kubernetes: create networkpolicy shop/" + policy + ": slow down",
	}, {
		name: "server timeout", verb: "patch", resource: "pods",
		err: apierrors.NewServerTimeout(pods, "patch", 2),
		wantCalls: []string{"get pods shop/web-1", "get networkpolicies shop/" + policy,
			"create networkpolicies shop/" + policy, "patch pods shop/web-1 " + labelOn},
		wantIn: "kubernetes: label pod shop/web-1 weir.io/quarantine=" + qid,
	}, {
		name: "pod gone before its label", verb: "patch", resource: "pods",
		err: apierrors.NewNotFound(pods, "web-1"),
		wantCalls: []string{"get pods shop/web-1", "get networkpolicies shop/" + policy,
			"create networkpolicies shop/" + policy, "patch pods shop/web-1 " + labelOn},
		wantIn: "kubernetes: label pod shop/web-1",
	}, {
		name: "internal error on release", verb: "list", resource: "pods", release: true,
		err:       apierrors.NewInternalError(errors.New("boom")),
		wantCalls: []string{"list pods shop" + byLabel},
		wantIn:    "kubernetes: list pods labelled weir.io/quarantine=" + qid + " in namespace shop",
	}, {
		name: "forbidden", verb: "create", resource: "networkpolicies",
		err:           apierrors.NewForbidden(nps, policy, errors.New(`User "weir" cannot create resource`)),
		wantPermanent: true,
		wantCalls:     []string{"get pods shop/web-1", "get networkpolicies shop/" + policy, "create networkpolicies shop/" + policy},
		wantIn:        "permanent: kubernetes: create networkpolicy shop/" + policy + ": ",
	}, {
		name: "unauthorized", verb: "get", resource: "pods",
		err:           apierrors.NewUnauthorized("token expired"),
		wantPermanent: true,
		wantCalls:     []string{"get pods shop/web-1"},
		wantIn:        "permanent: kubernetes: get pod shop/web-1 of workload web-1: token expired",
	}, {
		name: "forbidden on release", verb: "delete", resource: "networkpolicies", release: true,
		err:           apierrors.NewForbidden(nps, policy, errors.New("no")),
		wantPermanent: true,
		wantCalls: []string{"list pods shop" + byLabel, "patch pods shop/web-1 " + labelOff,
			"list networkpolicies shop" + byLabel, "delete networkpolicies shop/" + policy},
		wantIn: "permanent: kubernetes: delete networkpolicy shop/" + policy,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, cs := newTest(t, Configuration{}, pod("shop", "web-1", "web", "10.1.0.11"))
			w := quarantine.Workload{Name: "web-1", IPs: []netip.Addr{netip.MustParseAddr("10.1.0.11")},
				Labels: map[string]string{shopLabel: "shop"}}
			tg := target(w)
			if tt.release {
				if err := e.Apply(context.Background(), tg); err != nil {
					t.Fatal(err)
				}
				calls(cs)
			}
			cs.PrependReactor(tt.verb, tt.resource, func(k8stesting.Action) (bool, runtime.Object, error) {
				return true, nil, tt.err
			})
			var err error
			if tt.release {
				err = e.Release(context.Background(), tg)
			} else {
				err = e.Apply(context.Background(), tg)
			}
			if err == nil || errors.Is(err, quarantine.ErrPermanent) != tt.wantPermanent || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("got error %v\nwant permanent=%v, containing %q", err, tt.wantPermanent, tt.wantIn)
			}
			if diff := cmp.Diff(calls(cs), tt.wantCalls); diff != "" {
				t.Errorf("API calls (-got, +want):\n%s", diff)
			}
		})
	}
}
