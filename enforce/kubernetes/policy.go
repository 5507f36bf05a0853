package kubernetes

import (
	"context"
	"maps"
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// PolicyName is the name of weir's NetworkPolicy for quarantine id.
func PolicyName(id string) string { return "weir-quarantine-" + id }

// buildPolicy is the NetworkPolicy that quarantines the pods labelled with
// id in ns: ingress only from the allow list, egress only to it and to port
// 53 anywhere. Both directions are listed in policyTypes, so with no rule a
// direction is denied outright. A rule with no peers would admit everyone,
// which is why the allow rules exist only for a non-empty allow list.
func buildPolicy(ns, id, workload string, allow []netip.Prefix) *networkingv1.NetworkPolicy {
	var peers []networkingv1.NetworkPolicyPeer
	for _, p := range allowNets(allow) {
		peers = append(peers, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: p.String()}})
	}
	spec := networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{QuarantineLabel: id}},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
	}
	if len(peers) > 0 {
		spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: peers}}
		spec.Egress = []networkingv1.NetworkPolicyEgressRule{{To: peers}}
	}
	udp, tcp, dns := corev1.ProtocolUDP, corev1.ProtocolTCP, intstr.FromInt32(53)
	spec.Egress = append(spec.Egress, networkingv1.NetworkPolicyEgressRule{
		Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: &dns}, {Protocol: &tcp, Port: &dns}},
	})
	return &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{
			Name:        PolicyName(id),
			Namespace:   ns,
			Labels:      map[string]string{QuarantineLabel: id, "app.kubernetes.io/managed-by": "weir"},
			Annotations: map[string]string{"weir.io/workload": workload},
		},
		Spec: spec,
	}
}

// allowNets is the allow list masked, sorted and without repeats, so that
// the same list in another order makes the same policy and no update.
func allowNets(allow []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(allow))
	for _, p := range allow {
		if p.IsValid() {
			out = append(out, p.Masked())
		}
	}
	slices.SortFunc(out, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	return slices.Compact(out)
}

// ensurePolicy makes want exist: created when missing, its spec and labels
// replaced when they differ, left alone when they match. A create that finds
// the policy there (made meanwhile) falls back to the update.
func (e *Enforcer) ensurePolicy(ctx context.Context, want *networkingv1.NetworkPolicy) error {
	api := e.client.NetworkingV1().NetworkPolicies(want.Namespace)
	got, err := api.Get(ctx, want.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = api.Create(ctx, want, metav1.CreateOptions{})
		if err == nil {
			return nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return apiError(err, "create networkpolicy %s/%s", want.Namespace, want.Name)
		}
		got, err = api.Get(ctx, want.Name, metav1.GetOptions{})
	}
	if err != nil {
		return apiError(err, "get networkpolicy %s/%s", want.Namespace, want.Name)
	}
	if equality.Semantic.DeepEqual(got.Spec, want.Spec) && hasLabels(got.Labels, want.Labels) {
		return nil
	}
	upd := got.DeepCopy()
	upd.Spec = want.Spec
	if upd.Labels == nil {
		upd.Labels = map[string]string{}
	}
	maps.Copy(upd.Labels, want.Labels)
	if _, err := api.Update(ctx, upd, metav1.UpdateOptions{}); err != nil {
		return apiError(err, "update networkpolicy %s/%s", want.Namespace, want.Name)
	}
	return nil
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// deletePolicies deletes the NetworkPolicies in ns (all when "") labelled
// with quarantine id; one gone meanwhile is fine.
func (e *Enforcer) deletePolicies(ctx context.Context, ns, id string) error {
	list, err := e.client.NetworkingV1().NetworkPolicies(ns).List(ctx, metav1.ListOptions{LabelSelector: selector(id)})
	if err != nil {
		return apiError(err, "list networkpolicies labelled %s=%s in %s", QuarantineLabel, id, where(ns))
	}
	for _, p := range list.Items {
		if p.Labels[QuarantineLabel] != id {
			continue
		}
		err := e.client.NetworkingV1().NetworkPolicies(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return apiError(err, "delete networkpolicy %s/%s", p.Namespace, p.Name)
		}
	}
	return nil
}
