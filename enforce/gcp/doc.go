// Package gcp enforces a quarantine on a Google Compute Engine instance with
// VPC firewall rules selected by a network tag (DESIGN §8).
//
// For a quarantine it owns one network tag, "weir-q-<id>", and the firewall
// rules whose names start with that tag: allow rules for the allow list (both
// directions) and DNS out at priority 0, deny-all rules in both directions at
// priority 1, one rule per address family because a VPC rule holds IPv4 or
// IPv6 ranges, never both. Apply creates the rules first and tags the instance
// last, so the isolation starts with one change; Release removes the tag first
// and then the rules. The instance's other tags are never touched: adding and
// removing only its own tag is what restores the previous state exactly.
//
// The instance is the one a Workload.Instances entry names (an instance name
// or a ".../zones/Z/instances/I" path), else the one named like the workload
// that also holds one of its addresses, else the one holding one of its
// addresses; it is looked up in the configured project, in the configured
// zone, or the zone or region the workload's Region gives, or in every zone.
// Two candidates are an error, never a guess.
//
// It does not decide who is quarantined, retry, or verify from flows that the
// isolation holds: the quarantine workflow owns those. Hierarchical and network
// firewall policies, which Compute Engine may evaluate before VPC rules, are
// neither read nor changed.
package gcp
