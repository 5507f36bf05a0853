package kubernetes

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"

	"github.com/weirhq/weir/quarantine"
)

// stalePolicy is weir's policy as someone left it: allowing all ingress, and
// stripped of weir's labels.
func stalePolicy() *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: policy, Labels: map[string]string{"team": "shop"}},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"weir.io/quarantine": qid}},
			PolicyTypes: []networkingv1.PolicyType{"Ingress"},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{}},
		},
	}
}

func checkPolicy(t *testing.T, got networkingv1.NetworkPolicy, want networkingv1.NetworkPolicySpec) {
	t.Helper()
	if diff := cmp.Diff(got.Spec, want); diff != "" {
		t.Errorf("policy spec (-got, +want):\n%s", diff)
	}
	if got.Labels[QuarantineLabel] != qid || got.Labels["team"] != "shop" {
		t.Errorf("policy labels %v: want weir's added, others kept", got.Labels)
	}
}

func TestApplyUpdatesPolicy(t *testing.T) {
	ctx := context.Background()
	e, cs := newTest(t, Configuration{}, pod("shop", "web-1", "web", "10.1.0.11"), stalePolicy())
	w := quarantine.Workload{Name: "web-1", Labels: map[string]string{shopLabel: "shop"}}

	err := e.Apply(ctx, target(w, allowList...))
	step(t, "Apply over a stale policy", err, calls(cs), []string{
		"get pods shop/web-1",
		"get networkpolicies shop/" + policy,
		"update networkpolicies shop/" + policy,
		"patch pods shop/web-1 " + labelOn,
	})
	checkPolicy(t, policies(t, cs)[0], wantSpec())

	// The same allow list in another order is the same policy.
	err = e.Apply(ctx, target(w, "10.9.0.0/16", "192.0.2.7/32"))
	step(t, "Apply, allow list reordered", err, calls(cs), []string{
		"get pods shop/web-1",
		"get networkpolicies shop/" + policy,
	})

	// A changed allow list (an allow-listed workload moved) is updated.
	err = e.Apply(ctx, target(w, "10.9.0.0/16"))
	step(t, "Apply, allow list changed", err, calls(cs), []string{
		"get pods shop/web-1",
		"get networkpolicies shop/" + policy,
		"update networkpolicies shop/" + policy,
	})
	want := wantSpec()
	want.Ingress[0].From = want.Ingress[0].From[:1]
	want.Egress[0].To = want.Egress[0].To[:1]
	checkPolicy(t, policies(t, cs)[0], want)
}

// A policy created by someone else between weir's get and create: the
// create's AlreadyExists turns into an update.
func TestApplyCreateRace(t *testing.T) {
	e, cs := newTest(t, Configuration{}, pod("shop", "web-1", "web", "10.1.0.11"))
	cs.PrependReactor("create", "networkpolicies", func(k8stesting.Action) (bool, runtime.Object, error) {
		gvr := schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"}
		if err := cs.Tracker().Create(gvr, stalePolicy(), "shop"); err != nil {
			t.Error(err)
		}
		return true, nil, apierrors.NewAlreadyExists(gvr.GroupResource(), policy)
	})
	w := quarantine.Workload{Name: "web-1", Labels: map[string]string{shopLabel: "shop"}}
	err := e.Apply(context.Background(), target(w, allowList...))
	step(t, "Apply", err, calls(cs), []string{
		"get pods shop/web-1",
		"get networkpolicies shop/" + policy,
		"create networkpolicies shop/" + policy,
		"get networkpolicies shop/" + policy,
		"update networkpolicies shop/" + policy,
		"patch pods shop/web-1 " + labelOn,
	})
	checkPolicy(t, policies(t, cs)[0], wantSpec())
}

// A policy with the right spec but without weir's labels is relabelled:
// Release finds what to delete by that label.
func TestApplyRelabelsPolicy(t *testing.T) {
	ctx := context.Background()
	p := stalePolicy()
	p.Spec = wantSpec()
	e, cs := newTest(t, Configuration{}, pod("shop", "web-1", "web", "10.1.0.11"), p)
	tg := target(quarantine.Workload{Name: "web-1", Labels: map[string]string{shopLabel: "shop"}}, allowList...)
	err := e.Apply(ctx, tg)
	step(t, "Apply", err, calls(cs), []string{
		"get pods shop/web-1",
		"get networkpolicies shop/" + policy,
		"update networkpolicies shop/" + policy,
		"patch pods shop/web-1 " + labelOn,
	})
	checkPolicy(t, policies(t, cs)[0], wantSpec())
	if err := e.Release(ctx, tg); err != nil {
		t.Fatal(err)
	}
	if ps := policies(t, cs); len(ps) != 0 {
		t.Errorf("policies after Release: %v", ps)
	}
}
