package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/weirhq/weir/quarantine"
)

// startDemoSOAR serves a stand-in for a SOAR on a free loopback port until ctx
// ends: it takes the webhook enforcer's events, says what it got on out, and
// answers 202. The demo hands quarantines to it when the config names no
// enforcer, so that the console's quarantine runs the whole workflow: a real
// webhook round trip, with nothing isolated (no real hosts exist).
func startDemoSOAR(ctx context.Context, out io.Writer) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("demo SOAR: %w", err)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev quarantine.WebhookEvent
		if r.Method != http.MethodPost || json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&ev) != nil {
			http.Error(w, "want a POSTed quarantine event", http.StatusBadRequest)
			return
		}
		allow := strings.Join(ev.Allow, ", ")
		if allow == "" {
			allow = "nothing but DNS"
		}
		fmt.Fprintf(out, "demo SOAR: %s %s (%s), allow %s\n", ev.Action, ev.Workload.Name, ev.Quarantine.ID, allow)
		w.WriteHeader(http.StatusAccepted)
	})}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	return "http://" + ln.Addr().String() + "/quarantine", nil
}
