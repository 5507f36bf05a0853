package pipeline

import (
	"github.com/weirhq/weir/enrich/zones"
	"github.com/weirhq/weir/flow"
)

// duplicate reports whether r is the destination end's report of a connection whose
// source end reports it too, and so must not be counted again (DESIGN §2).
//
// The rule looks at the record alone, so it holds however the files arrive: AWS
// logs a connection at the ENI of each end, Azure at the NIC of each end and GCP at
// the VM of each end, but only when that end is inside the estate's own network of
// the same cloud. So a report by the destination (ingress, direction I, reporter
// DEST) is dropped exactly when the source is an internal address of the same cloud,
// whose own egress report is kept. Traffic from the internet or another cloud has
// only the destination's report, and it is kept. This assumes every workload inside
// a cloud's networks has flow logs on, which is how the clouds are set up for weir.
// A private address that no inventory network places (zone "Internal") is taken to
// be the reporting cloud's own.
//
// A sensor in the path (Zeek, NetFlow: no reporter) also sees traffic between the
// site it watches and a cloud; the cloud end's own flow log reports the same
// connection, so the sensor's record of it is the one dropped, by the same
// assumption.
func duplicate(r *flow.Record) bool {
	switch {
	case r.Reporter == flow.ReporterUnknown:
		return cloudInternal[r.Src.Zone] || cloudInternal[r.Dst.Zone]
	case r.Reporter != flow.ReporterDst || r.Cloud == "" || r.Cloud == "onprem":
		return false
	}
	return r.Src.Zone == zones.ZoneInternal || r.Src.Zone == zones.InternalZone(r.Cloud)
}

// cloudInternal are the zones of the clouds whose workloads have flow logs.
var cloudInternal = map[string]bool{
	zones.InternalZone("aws"):   true,
	zones.InternalZone("azure"): true,
	zones.InternalZone("gcp"):   true,
}
