// Package flow holds weir's domain: the normalized flow record that every decoder
// emits and every later stage reads. It imports the standard library only; it does
// not decode, enrich or store anything.
package flow

import (
	"net/netip"
	"time"
)

// Record is one normalized flow: what a decoder emits, what enrichment fills in and
// what the store keeps. The zero value is an empty record; Reset returns a record to
// it so that a decoder can reuse one Record for every line it reads.
//
// Strings in a Record are shared, never owned: decoders intern repeated values
// (accounts, regions, interfaces) and enrichment points at its own tables, so that a
// record costs no allocation on the hot path.
type Record struct {
	// Time, UTC. End >= Start; a record for an instant has End == Start.
	Start, End time.Time

	SrcIP, DstIP     netip.Addr
	SrcPort, DstPort uint16
	Proto            uint8  // IANA protocol number
	TCPFlags         uint16 // OR of the TCP flags seen, where the source reports them

	Bytes, BytesRev     uint64 // src→dst, dst→src (BytesRev only where the source reports it)
	Packets, PacketsRev uint64
	Flows               uint32 // how many connections the record stands for (at least 1)

	Action    Action
	Direction Direction // from the point of view of the estate, set by enrichment
	Reporter  Reporter  // which end observed the flow, used to count a connection once

	// Origin: which format and exporter produced the record.
	Format   string // e.g. "aws-vpc", "azure-vnet", "gcp-vpc", "zeek-conn"
	Exporter string // format + account/subscription/project + interface or NIC
	Cloud    string // aws, azure, gcp, onprem
	Account  string
	Region   string
	VPC      string

	Src, Dst Side

	// Classification, set by enrichment.
	Service         string // e.g. SMB, RDP, HTTPS
	ServicePort     uint16 // the server's port, whichever end it is: the key of "service, port" views
	Answer          bool   // the record is the server's half (its source is the server), in formats that log each direction
	ServiceRisk     Risk
	ServiceCategory string // e.g. remote access, lateral movement
	Category        string // dst.category: cloud, ai, saas, cdn, internet, internal
	LLMProvider     string // e.g. OpenAI, Anthropic
	LLMSanctioned   bool
}

// Side is what weir knows about one end of a flow.
type Side struct {
	// Instance is the identifier the log itself gives for this end (AWS instance
	// id, Azure VM or NIC name, GCP instance name); inventory resolves it to a Workload.
	Instance string

	Workload string // inventory name
	Kind     string // e.g. "Virtual Machine"
	Role     string // labels
	App      string
	Env      string
	Loc      string

	Zone    string // e.g. "Internal Azure", "AWS", "Internet"
	Region  string
	Country string // ISO 3166 alpha-2
	ASN     uint32
	ASName  string
	Domain  string // from passive DNS or TLS SNI
	Threat  Threat
}

// Threat says that an endpoint is on a threat-intelligence list.
type Threat struct {
	Feeds      string // comma-separated feed names, empty when not listed
	Category   string // e.g. "botnet", "scanner", "c2"
	Confidence uint8  // 0–100
}

// Listed reports whether any feed names the endpoint.
func (t Threat) Listed() bool { return t.Feeds != "" }

// Reset returns r to the zero Record, keeping nothing from the previous use.
func (r *Record) Reset() { *r = Record{} }

// Duration is End − Start.
func (r *Record) Duration() time.Duration { return r.End.Sub(r.Start) }
