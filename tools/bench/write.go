package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/klauspost/compress/gzip"
)

// writeAWS writes n VPC Flow Logs v5 records spread over the 24 h before end, in
// files of five minutes each, gzip, with the header line AWS writes.
func writeAWS(dir string, e *estate, n int, end time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	const files = 288
	per := n / files
	start := end.Add(-24 * time.Hour)
	var line []byte
	for f := range files {
		path := filepath.Join(dir, fmt.Sprintf("123456789012_vpcflowlogs_us-east-1_fl-0bench_%s_%04d.log.gz", start.Format("20060102T1504Z"), f))
		fh, err := os.Create(path)
		if err != nil {
			return err
		}
		zw, _ := gzip.NewWriterLevel(fh, gzip.BestSpeed)
		bw := bufio.NewWriterSize(zw, 1<<20)
		bw.WriteString("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path\n")
		count := per
		if f == files-1 {
			count = n - per*(files-1)
		}
		t0 := start.Add(time.Duration(f) * 5 * time.Minute)
		for i := range count {
			cv := e.conversation()
			src, dst := cv.client, cv.server
			egress := e.rng.IntN(2) == 0
			if !egress {
				src, dst = dst, src
			}
			ts := t0.Add(time.Duration(i) * 5 * time.Minute / time.Duration(count)).Unix()
			line = line[:0]
			// The ENI and its instance belong to the estate's end of the record.
			local := e.index[src]
			if !egress {
				local = e.index[dst]
			}
			line = append(line, "5 123456789012 eni-"...)
			line = strconv.AppendInt(line, int64(0x1000+local), 16)
			line = append(line, ' ')
			line = append(line, src.String()...)
			line = append(line, ' ')
			line = append(line, dst.String()...)
			line = append(line, ' ')
			sport, dport := 32768+e.rng.IntN(28000), int(cv.port)
			line = strconv.AppendInt(line, int64(sport), 10)
			line = append(line, ' ')
			line = strconv.AppendInt(line, int64(dport), 10)
			line = append(line, " 6 "...)
			bytes := e.size()
			line = strconv.AppendUint(line, bytes/600+1, 10)
			line = append(line, ' ')
			line = strconv.AppendUint(line, bytes, 10)
			line = append(line, ' ')
			line = strconv.AppendInt(line, ts, 10)
			line = append(line, ' ')
			line = strconv.AppendInt(line, ts+int64(e.rng.IntN(60)), 10)
			if e.rng.IntN(20) == 0 {
				line = append(line, " REJECT OK vpc-0a1b2c3d subnet-0a1b2c3d i-0"...)
			} else {
				line = append(line, " ACCEPT OK vpc-0a1b2c3d subnet-0a1b2c3d i-0"...)
			}
			line = strconv.AppendInt(line, int64(0x1000+local), 16)
			line = append(line, " 19 IPv4 "...)
			line = append(line, src.String()...)
			line = append(line, ' ')
			line = append(line, dst.String()...)
			line = append(line, " us-east-1 use1-az1 - - - - "...)
			if egress {
				line = append(line, "egress 1\n"...)
			} else {
				line = append(line, "ingress -\n"...)
			}
			bw.Write(line)
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		if err := fh.Close(); err != nil {
			return err
		}
	}
	return nil
}

// writeAzure writes n VNet flow log v4 tuples as hourly blobs ({"records":[...]}),
// 100 tuples per flow group, over the 24 h before end.
func writeAzure(dir string, e *estate, n int, end time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	const hours = 24
	per := n / hours
	start := end.Add(-24 * time.Hour)
	states := []byte{'B', 'C', 'E'}
	for h := range hours {
		t0 := start.Add(time.Duration(h) * time.Hour)
		fh, err := os.Create(filepath.Join(dir, fmt.Sprintf("PT1H-%02d.json", h)))
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(fh, 1<<20)
		bw.WriteString(`{"records":[`)
		count := per
		if h == hours-1 {
			count = n - per*(hours-1)
		}
		for i := 0; i < count; i += 100 {
			if i > 0 {
				bw.WriteString(",")
			}
			ts := t0.Add(time.Duration(i) * time.Hour / time.Duration(count))
			fmt.Fprintf(bw, `{"time":"%s","flowLogVersion":4,"flowLogGUID":"66aa66aa-6666-6666-6666-666666666666","macAddress":"112233445566","category":"FlowLogFlowEvent","flowLogResourceID":"/SUBSCRIPTIONS/6CE15AB6-8BCB-4E4F-9B1C-0D2C5F1E2A77/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS/FLOWLOGS/FL","targetResourceID":"/subscriptions/6ce15ab6-8bcb-4e4f-9b1c-0d2c5f1e2a77/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-%d","operationName":"FlowLogFlowEvent","flowRecords":{"flows":[{"aclID":"00000000-1234-abcd-0000-000000000000","flowGroups":[{"rule":"DefaultRule_AllowInternetOutBound","flowTuples":[`,
				ts.Format(time.RFC3339Nano), i%50)
			for j := 0; j < 100 && i+j < count; j++ {
				if j > 0 {
					bw.WriteString(",")
				}
				cv := e.conversation()
				src, dst := cv.client, cv.server
				st := states[e.rng.IntN(3)]
				b := e.size()
				fmt.Fprintf(bw, `"%d,%s,%s,%d,%d,6,O,%c,NX,%d,%d,%d,%d"`, ts.UnixMilli()+int64(j), src, dst,
					32768+e.rng.IntN(28000), cv.port, st, b/600+1, b, b/900+1, b*3)
			}
			bw.WriteString(`]}]}]}}`)
		}
		bw.WriteString("]}\n")
		if err := bw.Flush(); err != nil {
			return err
		}
		if err := fh.Close(); err != nil {
			return err
		}
	}
	return nil
}
