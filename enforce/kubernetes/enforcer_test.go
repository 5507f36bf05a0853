package kubernetes

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/weirhq/weir/quarantine"
)

const (
	policy    = "weir-quarantine-" + qid
	labelOn   = `application/merge-patch+json {"metadata":{"labels":{"weir.io/quarantine":"` + qid + `"}}}`
	labelOff  = `application/merge-patch+json {"metadata":{"labels":{"weir.io/quarantine":null}}}`
	byLabel   = " labels weir.io/quarantine=" + qid
	ipFilter  = " fields status.podIP="
	shopLabel = "k8s.namespace"
)

// wantSpec is the policy for the allow list 10.9.0.0/16 and 192.0.2.7/32,
// written out rather than built, so a change to buildPolicy shows here.
func wantSpec() networkingv1.NetworkPolicySpec {
	udp, tcp, dns := corev1.ProtocolUDP, corev1.ProtocolTCP, intstr.FromInt32(53)
	peers := []networkingv1.NetworkPolicyPeer{
		{IPBlock: &networkingv1.IPBlock{CIDR: "10.9.0.0/16"}},
		{IPBlock: &networkingv1.IPBlock{CIDR: "192.0.2.7/32"}},
	}
	return networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"weir.io/quarantine": qid}},
		PolicyTypes: []networkingv1.PolicyType{"Ingress", "Egress"},
		Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: peers}},
		Egress: []networkingv1.NetworkPolicyEgressRule{
			{To: peers},
			{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: &dns}, {Protocol: &tcp, Port: &dns}}},
		},
	}
}

// allowList is wantSpec's allow list, unsorted and unmasked as a caller may
// hand it over.
var allowList = []string{"192.0.2.7/32", "10.9.1.2/16", "10.9.0.0/16"}

func step(t *testing.T, name string, err error, got, want []string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("%s: API calls (-got, +want):\n%s", name, diff)
	}
}

func TestApplyReleaseByName(t *testing.T) {
	ctx := context.Background()
	e, cs := newTest(t, Configuration{},
		pod("shop", "web-1", "web", "10.1.0.11"), pod("shop", "web-2", "web", "10.1.0.12"))
	w := quarantine.Workload{Name: "web-1", Kind: "Pod", IPs: []netip.Addr{netip.MustParseAddr("10.1.0.11")},
		Labels: map[string]string{shopLabel: "shop"}}
	tg := target(w, allowList...)

	err := e.Apply(ctx, tg)
	step(t, "first Apply", err, calls(cs), []string{
		"get pods shop/web-1",
		"get networkpolicies shop/" + policy,
		"create networkpolicies shop/" + policy,
		"patch pods shop/web-1 " + labelOn,
	})
	ps := policies(t, cs)
	if len(ps) != 1 || ps[0].Namespace != "shop" || ps[0].Name != policy {
		t.Fatalf("policies after Apply: %+v", ps)
	}
	if diff := cmp.Diff(ps[0].Spec, wantSpec()); diff != "" {
		t.Errorf("policy spec (-got, +want):\n%s", diff)
	}
	if got := ps[0].Labels; got[QuarantineLabel] != qid || got["app.kubernetes.io/managed-by"] != "weir" {
		t.Errorf("policy labels %v", got)
	}
	// The selector picks web-1 and not its replica sibling.
	sel, err := metav1.LabelSelectorAsSelector(&ps[0].Spec.PodSelector)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"web-1": true, "web-2": false} {
		if got := sel.Matches(labels.Set(podLabels(t, cs, "shop", name))); got != want {
			t.Errorf("policy selects %s: %v, want %v", name, got, want)
		}
	}

	err = e.Apply(ctx, tg)
	step(t, "second Apply", err, calls(cs), []string{
		"get pods shop/web-1",
		"get networkpolicies shop/" + policy,
	})

	err = e.Release(ctx, tg)
	step(t, "Release", err, calls(cs), []string{
		"list pods shop" + byLabel,
		"patch pods shop/web-1 " + labelOff,
		"list networkpolicies shop" + byLabel,
		"delete networkpolicies shop/" + policy,
	})
	if got := podLabels(t, cs, "shop", "web-1"); !cmp.Equal(got, map[string]string{"app": "web"}) {
		t.Errorf("web-1 labels after Release: %v, want app=web only", got)
	}
	if ps := policies(t, cs); len(ps) != 0 {
		t.Errorf("policies after Release: %v", ps)
	}

	err = e.Release(ctx, tg)
	step(t, "second Release", err, calls(cs), []string{
		"list pods shop" + byLabel,
		"list networkpolicies shop" + byLabel,
	})
}

func TestApplyByIP(t *testing.T) {
	ctx := context.Background()
	finished := pod("shop", "migrate-x1", "migrate", "10.1.0.21")
	finished.Status.Phase = corev1.PodSucceeded // its address now belongs to checkout
	seed := func() []runtime.Object {
		return []runtime.Object{pod("shop", "checkout-7d9f", "checkout", "10.1.0.21"), finished.DeepCopy(),
			pod("other", "web", "web", "10.1.0.22")}
	}
	// "Checkout API" cannot be a pod name: the pod is found by address.
	w := quarantine.Workload{Name: "Checkout API", Cloud: "kubernetes", IPs: []netip.Addr{netip.MustParseAddr("10.1.0.21")}}

	t.Run("all namespaces", func(t *testing.T) {
		e, cs := newTest(t, Configuration{}, seed()...)
		err := e.Apply(ctx, target(w, allowList...))
		step(t, "Apply", err, calls(cs), []string{
			"list pods *" + ipFilter + "10.1.0.21",
			"get networkpolicies shop/" + policy,
			"create networkpolicies shop/" + policy,
			"patch pods shop/checkout-7d9f " + labelOn,
		})
		// The workload has left the inventory by release time: the
		// Manager passes its name only, and the label finds the rest.
		err = e.Release(ctx, target(quarantine.Workload{Name: w.Name}))
		step(t, "Release", err, calls(cs), []string{
			"list pods *" + byLabel,
			"patch pods shop/checkout-7d9f " + labelOff,
			"list networkpolicies *" + byLabel,
			"delete networkpolicies shop/" + policy,
		})
	})

	t.Run("configured namespaces", func(t *testing.T) {
		e, cs := newTest(t, Configuration{Namespaces: []string{"other", "shop"}}, seed()...)
		err := e.Apply(ctx, target(w, allowList...))
		step(t, "Apply", err, calls(cs), []string{
			"list pods other" + ipFilter + "10.1.0.21",
			"list pods shop" + ipFilter + "10.1.0.21",
			"get networkpolicies shop/" + policy,
			"create networkpolicies shop/" + policy,
			"patch pods shop/checkout-7d9f " + labelOn,
		})
		err = e.Release(ctx, target(w))
		step(t, "Release", err, calls(cs), []string{
			"list pods other" + byLabel,
			"list networkpolicies other" + byLabel,
			"list pods shop" + byLabel,
			"patch pods shop/checkout-7d9f " + labelOff,
			"list networkpolicies shop" + byLabel,
			"delete networkpolicies shop/" + policy,
		})
	})
}

// A pod in "default" that merely shares the workload's name, with other
// addresses, is not quarantined in its place.
func TestApplyPassesOverNamesake(t *testing.T) {
	e, cs := newTest(t, Configuration{},
		pod("default", "redis", "redis", "10.1.0.99"), pod("cache", "redis-0", "redis", "10.1.0.31"))
	w := quarantine.Workload{Name: "redis", Kind: "kubernetes pod", IPs: []netip.Addr{netip.MustParseAddr("10.1.0.31")}}
	err := e.Apply(context.Background(), target(w))
	step(t, "Apply", err, calls(cs), []string{
		"get pods default/redis",
		"list pods *" + ipFilter + "10.1.0.31",
		"get networkpolicies cache/" + policy,
		"create networkpolicies cache/" + policy,
		"patch pods cache/redis-0 " + labelOn,
	})
	if got := podLabels(t, cs, "default", "redis"); got[QuarantineLabel] != "" {
		t.Errorf("the namesake was labelled: %v", got)
	}
}

// An explicit "namespace/name" instance is looked up where it says.
func TestApplyByInstance(t *testing.T) {
	e, cs := newTest(t, Configuration{Namespaces: []string{"shop"}}, pod("batch", "worker-5", "worker", "10.1.0.51"))
	w := quarantine.Workload{Name: "Worker", Instances: []string{"batch/worker-5"}}
	err := e.Apply(context.Background(), target(w))
	step(t, "Apply", err, calls(cs), []string{
		"get pods batch/worker-5",
		"get networkpolicies batch/" + policy,
		"create networkpolicies batch/" + policy,
		"patch pods batch/worker-5 " + labelOn,
	})
	// Release looks in the configured namespaces and the instance's.
	err = e.Release(context.Background(), target(w))
	step(t, "Release", err, calls(cs), []string{
		"list pods shop" + byLabel,
		"list networkpolicies shop" + byLabel,
		"list pods batch" + byLabel,
		"patch pods batch/worker-5 " + labelOff,
		"list networkpolicies batch" + byLabel,
		"delete networkpolicies batch/" + policy,
	})
}

func TestApplyPermanent(t *testing.T) {
	hostNet := pod("kube-system", "node-agent", "agent", "10.0.0.5")
	hostNet.Spec.HostNetwork = true
	tests := []struct {
		name      string
		cfg       Configuration
		seed      []runtime.Object
		w         quarantine.Workload
		id        string
		wantCalls []string
		wantErr   string
	}{{
		name: "not found",
		seed: []runtime.Object{pod("shop", "web-1", "web", "10.1.0.11")},
		w: quarantine.Workload{Name: "ghost", IPs: []netip.Addr{netip.MustParseAddr("10.1.0.41")},
			Labels: map[string]string{shopLabel: "shop"}},
		wantCalls: []string{"get pods shop/ghost", "list pods shop" + ipFilter + "10.1.0.41"},
		wantErr: "permanent: kubernetes: no pod for workload ghost " +
			"(looked for pod shop/ghost; IP 10.1.0.41 in namespace shop)",
	}, {
		name:    "nothing to look for",
		w:       quarantine.Workload{Name: "Legacy ERP"},
		wantErr: "permanent: kubernetes: workload Legacy ERP gives no pod name and no IP to look for",
	}, {
		name:      "host network",
		seed:      []runtime.Object{hostNet},
		w:         quarantine.Workload{Name: "node-agent", Labels: map[string]string{shopLabel: "kube-system"}},
		wantCalls: []string{"get pods kube-system/node-agent"},
		wantErr: "permanent: kubernetes: pod kube-system/node-agent of workload node-agent uses the host network, " +
			"which a NetworkPolicy cannot isolate",
	}, {
		name:      "ambiguous address",
		cfg:       Configuration{Namespaces: []string{"a", "b"}},
		seed:      []runtime.Object{pod("a", "x", "x", "10.1.0.61"), pod("b", "y", "y", "10.1.0.61")},
		w:         quarantine.Workload{Name: "X Y", IPs: []netip.Addr{netip.MustParseAddr("10.1.0.61")}},
		wantCalls: []string{"list pods a" + ipFilter + "10.1.0.61", "list pods b" + ipFilter + "10.1.0.61"},
		wantErr:   "permanent: kubernetes: workload X Y: several live pods have IP 10.1.0.61: a/x, b/y",
	}, {
		name:    "bad quarantine id",
		w:       quarantine.Workload{Name: "web-1"},
		id:      "not a label value!",
		wantErr: `permanent: kubernetes: quarantine id "not a label value!" of workload web-1 is not a label value`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, cs := newTest(t, tt.cfg, tt.seed...)
			tg := target(tt.w)
			if tt.id != "" {
				tg.Quarantine.ID = tt.id
			}
			err := e.Apply(context.Background(), tg)
			if !errors.Is(err, quarantine.ErrPermanent) || err.Error() != tt.wantErr {
				t.Errorf("Apply: %v\nwant permanent: %s", err, tt.wantErr)
			}
			if diff := cmp.Diff(calls(cs), tt.wantCalls); diff != "" {
				t.Errorf("API calls (-got, +want):\n%s", diff)
			}
			if ps := policies(t, cs); len(ps) != 0 {
				t.Errorf("a failed Apply left policies: %v", ps)
			}
		})
	}
}

// An allow list that is empty must not produce a rule without peers, which
// would admit everyone: only DNS out remains.
func TestApplyEmptyAllow(t *testing.T) {
	e, cs := newTest(t, Configuration{}, pod("shop", "web-1", "web", "10.1.0.11"))
	w := quarantine.Workload{Name: "web-1", Labels: map[string]string{shopLabel: "shop"}}
	if err := e.Apply(context.Background(), target(w)); err != nil {
		t.Fatal(err)
	}
	want := wantSpec()
	want.Ingress, want.Egress = nil, want.Egress[1:]
	ps := policies(t, cs)
	if len(ps) != 1 {
		t.Fatalf("policies: %v", ps)
	}
	if diff := cmp.Diff(ps[0].Spec, want); diff != "" {
		t.Errorf("policy spec (-got, +want):\n%s", diff)
	}
	if len(ps[0].Spec.Ingress) != 0 || len(ps[0].Spec.Egress) != 1 || len(ps[0].Spec.Egress[0].To) != 0 ||
		len(ps[0].Spec.Egress[0].Ports) != 2 {
		t.Errorf("want no ingress rule and one egress rule, to port 53 only: %+v", ps[0].Spec)
	}
}
