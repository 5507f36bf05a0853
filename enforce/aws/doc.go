// Package aws quarantines AWS workloads with an isolation security group
// (DESIGN §8): it swaps the security groups of the workload's network
// interfaces for one group that allows only the quarantine's allow list (both
// ways) and DNS out, and on release puts the previous groups back.
//
// State lives in AWS, not in weir: the isolation group is named
// "weir-quarantine-<quarantine id>" and tagged weir:quarantine, and each
// interface it isolates carries the groups it had before in its own tags
// (weir:quarantine, weir:previous-groups). So Apply and Release can be
// repeated after a restart, and an operator can see in the console what weir
// did and undo it by hand.
//
// Security groups track connections: one that was open before the swap and
// that the old groups tracked lives on until it idles out (AWS cuts at once
// only traffic that was allowed to and from anywhere, which is not tracked).
// The flows show such leftovers, and verification marks the quarantine
// leaking. Traffic to the VPC's own DNS resolver is never filtered by
// security groups.
//
// It does not decide who is quarantined, retry, or verify from the flows that
// the quarantine holds (package quarantine does); it does not touch network
// ACLs, route tables or instances, only the security groups of interfaces.
package aws
