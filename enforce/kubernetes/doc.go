// Package kubernetes quarantines a Kubernetes pod with a NetworkPolicy
// (DESIGN §8).
//
// Apply finds the workload's pod, creates in its namespace a NetworkPolicy
// named "weir-quarantine-<quarantine id>" that selects the label
// "weir.io/quarantine=<quarantine id>" and admits, both ways, only the allow
// list's networks (ipBlocks) plus DNS out (UDP and TCP 53 to anywhere), then
// puts that label on the pod. The label is the switch: it selects exactly this
// pod, not its siblings in the same Deployment, and the policy it switches on
// is complete before it lands. Release takes the label off every pod that
// carries it and deletes the policies labelled with the quarantine id, which
// are all weir ever created for it; nothing else is changed, so there is no
// previous state to save.
//
// Caveats, all of which the quarantine's verification from flows reports as
// leaking rather than this package as an error:
//   - A pod its controller recreates (a Deployment's, a StatefulSet's) comes
//     back without the label, so unisolated; weir does not watch for it.
//   - NetworkPolicies add up: another policy that selects the pod and allows
//     more traffic still allows it. Only AdminNetworkPolicy or CNI-specific
//     policies can deny over them, and this package does not write those.
//   - The cluster's network plugin must enforce NetworkPolicy (flannel alone
//     does not), and some plugins keep connections open before the policy.
//   - ipBlock peers are meant for addresses outside the cluster; some plugins
//     (Cilium) do not match pod addresses with them, so an allow-listed peer
//     that is a pod of the same cluster may be cut off too.
//   - DNS is open to any destination on port 53, as the design asks.
//   - Pods on the host network cannot be isolated by a NetworkPolicy: Apply
//     refuses them.
//
// The credentials need, in the namespaces searched (cluster-wide when none
// are configured): pods get, list, patch; networkpolicies (networking.k8s.io)
// get, list, create, update, delete.
//
// It does not decide who is quarantined, keep quarantine state, or verify the
// quarantine from flows: package quarantine does.
package kubernetes
