package kubernetes

import (
	"context"
	"fmt"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/weirhq/weir/quarantine"
)

// The tests run the enforcer against client-go's own fake clientset, whose
// object tracker applies creates, updates, merge patches and deletes as the
// API server would (without admission or defaulting), and record every call
// it was asked to make.

const qid = "q-0123456789abcdef"

// pod is a running pod with app label app and address ip.
func pod(ns, name, app, ip string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": app}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip,
			PodIPs: []corev1.PodIP{{IP: ip}}},
	}
}

// newTest returns an enforcer over a fake clientset seeded with objs.
func newTest(t *testing.T, cfg Configuration, objs ...runtime.Object) (*Enforcer, *fake.Clientset) {
	t.Helper()
	cs := fake.NewClientset(objs...)
	e, err := NewWithClient(cfg, cs)
	if err != nil {
		t.Fatal(err)
	}
	return e, cs
}

// target quarantines w with the allow list allow.
func target(w quarantine.Workload, allow ...string) quarantine.Target {
	t := quarantine.Target{Quarantine: quarantine.Quarantine{ID: qid, Workload: w.Name}, Workload: w}
	for _, a := range allow {
		t.Allow = append(t.Allow, netip.MustParsePrefix(a))
	}
	return t
}

// calls renders the calls cs received since the last take, one line each:
// verb, resource, namespace/name (namespace "*" for all), and the selectors
// of a list or the body of a patch; then forgets them.
func calls(cs *fake.Clientset) []string {
	var out []string
	for _, a := range cs.Actions() {
		ns := a.GetNamespace()
		if ns == "" {
			ns = "*"
		}
		line := fmt.Sprintf("%s %s %s", a.GetVerb(), a.GetResource().Resource, ns)
		// Patch and delete actions have GetName too: the more specific
		// interfaces go first.
		switch a := a.(type) {
		case k8stesting.PatchAction:
			line += fmt.Sprintf("/%s %s %s", a.GetName(), a.GetPatchType(), a.GetPatch())
		case k8stesting.ListAction:
			r := a.GetListRestrictions()
			if s := r.Labels.String(); s != "" {
				line += " labels " + s
			}
			if s := r.Fields.String(); s != "" {
				line += " fields " + s
			}
		case k8stesting.CreateAction: // and UpdateAction, the same interface
			if o, ok := a.GetObject().(metav1.Object); ok {
				line += "/" + o.GetName()
			}
		case k8stesting.GetAction: // and DeleteAction
			line += "/" + a.GetName()
		}
		out = append(out, line)
	}
	cs.ClearActions()
	return out
}

// podLabels are the labels of ns/name as the fake now holds them.
func podLabels(t *testing.T, cs *fake.Clientset, ns, name string) map[string]string {
	t.Helper()
	p, err := cs.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cs.ClearActions()
	return p.Labels
}

// policies are every NetworkPolicy the fake holds.
func policies(t *testing.T, cs *fake.Clientset) []networkingv1.NetworkPolicy {
	t.Helper()
	l, err := cs.NetworkingV1().NetworkPolicies("").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cs.ClearActions()
	return l.Items
}
