package kubernetes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/weirhq/weir/quarantine"
)

// podRef is a pod name to look up, in Namespace when the name came as
// "namespace/name". Guessed marks the workload's own name, which may be a
// pod's by chance.
type podRef struct {
	Namespace, Name string
	Guessed         bool
}

// podRefs are the pod names w gives, in order: each Instances entry, then
// its Name; an entry may be "namespace/name". What cannot be a pod name
// ("Checkout API") is skipped.
func podRefs(w quarantine.Workload) []podRef {
	var out []podRef
	names := append(slices.Clone(w.Instances), w.Name)
	for i, s := range names {
		r := podRef{Name: s, Guessed: i == len(names)-1}
		if ns, name, ok := strings.Cut(s, "/"); ok {
			if len(validation.IsDNS1123Label(ns)) > 0 {
				continue
			}
			r.Namespace, r.Name = ns, name
		}
		if len(validation.IsDNS1123Subdomain(r.Name)) > 0 || slices.ContainsFunc(out, func(o podRef) bool {
			return o.Namespace == r.Namespace && o.Name == r.Name
		}) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// searchNamespaces are where w's pod may be: the namespace its label names,
// else the configured ones, else all (""); plus, unless all, the namespaces
// of its "namespace/name" instances.
func (e *Enforcer) searchNamespaces(w quarantine.Workload) []string {
	var nss []string
	switch ns := w.Labels[e.cfg.NamespaceLabel]; {
	case ns != "":
		nss = []string{ns}
	case len(e.cfg.Namespaces) > 0:
		nss = slices.Clone(e.cfg.Namespaces)
	default:
		return []string{metav1.NamespaceAll}
	}
	for _, r := range podRefs(w) {
		if r.Namespace != "" && !slices.Contains(nss, r.Namespace) {
			nss = append(nss, r.Namespace)
		}
	}
	return nss
}

// findPod is w's pod: the first of its names (podRefs) that is a pod, in the
// name's own namespace or else each searched namespace ("default" for all),
// or failing that the one live pod whose status.podIP is one of w's IPs. A
// pod found by w's own name whose addresses are known and none of w's is
// taken for a namesake and passed over. Not finding the pod, finding several,
// or finding one on the host network is permanent.
func (e *Enforcer) findPod(ctx context.Context, w quarantine.Workload) (*corev1.Pod, error) {
	nss := e.searchNamespaces(w)
	var tried []string
	for _, r := range podRefs(w) {
		in := nss
		if r.Namespace != "" {
			in = []string{r.Namespace}
		}
		for _, ns := range in {
			if ns == metav1.NamespaceAll {
				ns = metav1.NamespaceDefault
			}
			pod, err := e.client.CoreV1().Pods(ns).Get(ctx, r.Name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				tried = append(tried, "pod "+ns+"/"+r.Name)
				continue
			}
			if err != nil {
				return nil, apiError(err, "get pod %s/%s of workload %s", ns, r.Name, w.Name)
			}
			if r.Guessed && !sameHost(pod, w.IPs) {
				tried = append(tried, "pod "+ns+"/"+r.Name+" (a namesake: other IPs)")
				continue
			}
			return usable(pod, w)
		}
	}
	for _, ip := range w.IPs {
		var found []*corev1.Pod
		for _, ns := range nss {
			pods, err := e.podsWithIP(ctx, ns, ip)
			if err != nil {
				return nil, apiError(err, "list pods with IP %s in %s for workload %s", ip, where(ns), w.Name)
			}
			found = append(found, pods...)
		}
		switch len(found) {
		case 0:
			tried = append(tried, "IP "+ip.String()+" in "+strings.Join(wheres(nss), ", "))
		case 1:
			return usable(found[0], w)
		default:
			names := make([]string, len(found))
			for i, p := range found {
				names[i] = p.Namespace + "/" + p.Name
			}
			return nil, fmt.Errorf("%w: kubernetes: workload %s: several live pods have IP %s: %s",
				quarantine.ErrPermanent, w.Name, ip, strings.Join(names, ", "))
		}
	}
	if len(tried) == 0 {
		return nil, fmt.Errorf("%w: kubernetes: workload %s gives no pod name and no IP to look for",
			quarantine.ErrPermanent, w.Name)
	}
	return nil, fmt.Errorf("%w: kubernetes: no pod for workload %s (looked for %s)",
		quarantine.ErrPermanent, w.Name, strings.Join(tried, "; "))
}

// podsWithIP lists the live pods in ns (all when "") holding ip. The server
// filters on status.podIP; the same test runs here too, because client-go's
// fake ignores field selectors and because a pod's second (dual-stack)
// address is in status.podIPs only. Finished pods are dropped: their address
// may already belong to another pod.
func (e *Enforcer) podsWithIP(ctx context.Context, ns string, ip netip.Addr) ([]*corev1.Pod, error) {
	ip = ip.Unmap()
	list, err := e.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("status.podIP", ip.String()).String(),
	})
	if err != nil {
		return nil, err
	}
	var out []*corev1.Pod
	for i := range list.Items {
		p := &list.Items[i]
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		if hasIP(p, ip) {
			out = append(out, p)
		}
	}
	return out, nil
}

// sameHost reports whether p may be the workload with ips: either side
// knows no address, or they share one.
func sameHost(p *corev1.Pod, ips []netip.Addr) bool {
	if len(ips) == 0 || (p.Status.PodIP == "" && len(p.Status.PodIPs) == 0) {
		return true
	}
	return slices.ContainsFunc(ips, func(ip netip.Addr) bool { return hasIP(p, ip.Unmap()) })
}

func hasIP(p *corev1.Pod, ip netip.Addr) bool {
	if a, err := netip.ParseAddr(p.Status.PodIP); err == nil && a.Unmap() == ip {
		return true
	}
	for _, pi := range p.Status.PodIPs {
		if a, err := netip.ParseAddr(pi.IP); err == nil && a.Unmap() == ip {
			return true
		}
	}
	return false
}

// usable refuses a pod on the host network: a NetworkPolicy does not apply
// to it, and its address is the node's.
func usable(p *corev1.Pod, w quarantine.Workload) (*corev1.Pod, error) {
	if p.Spec.HostNetwork {
		return nil, fmt.Errorf("%w: kubernetes: pod %s/%s of workload %s uses the host network, which a NetworkPolicy cannot isolate",
			quarantine.ErrPermanent, p.Namespace, p.Name, w.Name)
	}
	return p, nil
}

// labelPod sets the quarantine label on pod, unless it is there already. A
// pod gone since it was found is retried: it is looked for again, and a
// StatefulSet's comes back under the same name.
func (e *Enforcer) labelPod(ctx context.Context, pod *corev1.Pod, id string) error {
	if pod.Labels[QuarantineLabel] == id {
		return nil
	}
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{QuarantineLabel: id}}})
	_, err := e.client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		return apiError(err, "label pod %s/%s %s=%s", pod.Namespace, pod.Name, QuarantineLabel, id)
	}
	return nil
}

// unlabelPods removes the quarantine label from the pods in ns (all when "")
// that carry it with value id; a pod gone meanwhile is fine.
func (e *Enforcer) unlabelPods(ctx context.Context, ns, id string) error {
	list, err := e.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector(id)})
	if err != nil {
		return apiError(err, "list pods labelled %s=%s in %s", QuarantineLabel, id, where(ns))
	}
	// A JSON merge patch deletes a key set to null.
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{QuarantineLabel: nil}}})
	for _, p := range list.Items {
		if p.Labels[QuarantineLabel] != id { // the server filtered already; fakes may not
			continue
		}
		_, err := e.client.CoreV1().Pods(p.Namespace).Patch(ctx, p.Name, types.MergePatchType, patch, metav1.PatchOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return apiError(err, "remove label %s from pod %s/%s", QuarantineLabel, p.Namespace, p.Name)
		}
	}
	return nil
}

// selector selects what carries quarantine id's label.
func selector(id string) string {
	return labels.SelectorFromSet(labels.Set{QuarantineLabel: id}).String()
}

// where names a namespace in errors.
func where(ns string) string {
	if ns == metav1.NamespaceAll {
		return "all namespaces"
	}
	return "namespace " + ns
}

func wheres(nss []string) []string {
	out := make([]string, len(nss))
	for i, ns := range nss {
		out[i] = where(ns)
	}
	return out
}
