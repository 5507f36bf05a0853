package azureflow

import (
	"bytes"
	"fmt"
	"time"
)

// synthBlob writes a VNet flow log blob like a busy NIC's hour: records of one
// minute each, every record holding perRecord tuples that begin, continue and end
// connections. lines selects the one-record-per-line form instead of the blob.
func synthBlob(records, perRecord int, lines bool) []byte {
	var b bytes.Buffer
	if !lines {
		b.WriteString(`{"records":[`)
	}
	start := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC).UnixMilli()
	states := [...]string{"B", "C", "C", "E"}
	for rec := range records {
		if rec > 0 && !lines {
			b.WriteString(",\n")
		}
		b.WriteString(`{"time":"2025-03-10T09:00:00.0000000Z","flowLogVersion":4,"flowLogGUID":"11111111-2222-3333-4444-555555555555",` +
			`"macAddress":"000D3A1B2C3D","category":"FlowLogFlowEvent",` +
			`"flowLogResourceID":"/SUBSCRIPTIONS/6CE15AB6-8BCB-4E4F-9B1C-0D2C5F1E2A77/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS/FLOWLOGS/BUSY",` +
			`"targetResourceID":"/subscriptions/6ce15ab6-8bcb-4e4f-9b1c-0d2c5f1e2a77/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/busy-vnet",` +
			`"operationName":"FlowLogFlowEvent","flowRecords":{"flows":[{"aclID":"aaaaaaaa-0000-0000-0000-000000000001","flowGroups":[{"rule":"DefaultRule_AllowInternetOutBound","flowTuples":[`)
		for i := range perRecord {
			if i > 0 {
				b.WriteByte(',')
			}
			st := states[i%len(states)]
			conn := rec*perRecord + i
			pk, by := 0, 0
			if st != "B" {
				pk, by = 10+i%50, 1200+i*7%9000
			}
			fmt.Fprintf(&b, `"%d,10.68.%d.%d,203.0.%d.%d,%d,443,6,O,%s,NX,%d,%d,%d,%d"`,
				start+int64(rec)*60000+int64(i), conn/250%256, conn%250+1, i%200, i%250+1, 30000+conn%30000,
				st, pk, by, pk+2, by*3)
		}
		b.WriteString(`]}]}]}}`)
		if lines {
			b.WriteByte('\n')
		}
	}
	if !lines {
		b.WriteString("\n]}\n")
	}
	return b.Bytes()
}
