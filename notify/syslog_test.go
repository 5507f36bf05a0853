package notify

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/detect"
)

func TestSyslogUDPRFC5424(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	f := finding("f-1", detect.Critical)
	f.Summary = "15.6 GB out\nto \"3\" countries [BR]"
	n := newNotifier(t, Configuration{}, &Syslog{Network: "udp", Addr: pc.LocalAddr().String(), Hostname: "weir 1", Now: func() time.Time { return at }})
	n.Send(f)
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 8192)
	k, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	want := `<34>1 2026-01-14T12:30:00.000Z weir1 weir - finding [weir@32473 id="f-1" detector="exfiltration" severity="critical" score="95" ` +
		`tactics="TA0010" techniques="T1041" sources="10.20.1.15" destinations="203.0.113.7,198.51.100.23" workloads="CRM-Prod-DB1" ` +
		`bytes="15600000000" flows="1204" first_seen="2026-01-14T02:10:00Z" last_seen="2026-01-14T04:55:00Z"] ` +
		`Bulk egress from CRM-Prod-DB1: 15.6 GB out to "3" countries [BR]`
	if got := string(buf[:k]); got != want {
		t.Errorf("datagram:\n got %s\nwant %s", got, want)
	}
}

func TestSyslogTCPCEF(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lines := make(chan string, 4)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		for { // octet counting: LEN SP MSG
			lenText, err := r.ReadString(' ')
			if err != nil {
				return
			}
			size, err := strconv.Atoi(strings.TrimSpace(lenText))
			if err != nil {
				lines <- "bad frame: " + lenText
				return
			}
			msg := make([]byte, size)
			if _, err := io.ReadFull(r, msg); err != nil {
				return
			}
			lines <- string(msg)
		}
	}()
	f := finding("f-1", detect.High)
	f.Title = `Egress a|b c\d`
	f.Evidence.Filter = "src.workload = CRM-Prod-DB1"
	f.Summary = "line1\nline2 a\\b=c|d"
	f2 := finding("f-2", detect.Medium)
	f2.Entities.Sources = []string{"2001:db8::5"}
	f2.Entities.Destinations = []string{"10.0.0.0/8"}
	n := newNotifier(t, Configuration{}, &Syslog{Network: "tcp", Addr: ln.Addr().String(), Format: FormatCEF, Facility: 16, Version: "0.1.0",
		MinSeverity: detect.Medium, Now: func() time.Time { return at }})
	n.Send(f)
	n.Send(f2)
	n.Send(finding("f-3", detect.Low)) // below medium
	want := []string{
		`<131>1 2026-01-14T12:30:00.000Z - weir - finding - CEF:0|weir|weir|0.1.0|exfiltration|Egress a\|b c\\d|8|` +
			`externalId=f-1 start=1768356600000 end=1768366500000 src=10.20.1.15 dst=203.0.113.7 dpt=443 cnt=1204 out=15600000000 ` +
			`cn1Label=score cn1=95 cs1Label=tactics cs1=TA0010 cs2Label=techniques cs2=T1041 cs3Label=workloads cs3=CRM-Prod-DB1 ` +
			`cs4Label=countries cs4=BR,CN,RU cs5Label=filter cs5=src.workload \= CRM-Prod-DB1 msg=line1\nline2 a\\b\=c|d`,
		`<132>1 2026-01-14T12:30:00.000Z - weir - finding - CEF:0|weir|weir|0.1.0|exfiltration|Bulk egress from CRM-Prod-DB1|5|` +
			`externalId=f-2 start=1768356600000 end=1768366500000 c6a2=2001:db8::5 dpt=443 cnt=1204 out=15600000000 ` +
			`cn1Label=score cn1=95 cs1Label=tactics cs1=TA0010 cs2Label=techniques cs2=T1041 cs3Label=workloads cs3=CRM-Prod-DB1 ` +
			`cs4Label=countries cs4=BR,CN,RU cs5Label=filter cs5=src.workload \= CRM-Prod-DB1 msg=15.6 GB out to 3 countries`,
	}
	for i, w := range want {
		select {
		case got := <-lines:
			if got != w {
				t.Errorf("message %d:\n got %s\nwant %s", i, got, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("message %d never came", i)
		}
	}
	waitFor(t, "the stats", func() bool { return n.Stats()[0].Sent == 2 && n.Stats()[0].Below == 1 })
}

// TestSyslogReconnects: a TCP receiver that drops the connection gets the next
// finding over a new one.
func TestSyslogReconnects(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b := make([]byte, 4096)
			k, _ := c.Read(b)
			got <- string(b[:k])
			c.Close() // every connection carries one message, then goes away
		}
	}()
	s := &Syslog{Network: "tcp", Addr: ln.Addr().String(), Now: func() time.Time { return at }}
	defer s.Close()
	for i := range 3 {
		f := finding(fmt.Sprintf("f-%d", i), detect.High)
		// A write to a closed peer may succeed once before failing: retry as the notifier would.
		var err error
		for try := 0; try < 5; try++ {
			if err = s.Deliver(context.Background(), &f); err == nil {
				select {
				case m := <-got:
					if !strings.Contains(m, fmt.Sprintf(`id="f-%d"`, i)) {
						t.Errorf("message %d: %s", i, m)
					}
					try = 5
					continue
				case <-time.After(200 * time.Millisecond):
				}
			}
		}
		if err != nil {
			t.Errorf("deliver %d: %v", i, err)
		}
	}
}
