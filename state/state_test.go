package state

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

var t0 = time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)

// openTest opens a state store in the flow store's database file, as weir does.
func openTest(t *testing.T, opts ...Option) *Store {
	t.Helper()
	ctx := context.Background()
	fs, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	clock := t0.Add(time.Hour)
	st, err := Open(ctx, fs.DB(), append([]Option{WithClock(func() time.Time { return clock })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	// Opening again finds the tables and keeps them.
	if _, err := Open(ctx, fs.DB()); err != nil {
		t.Fatalf("second Open: %v", err)
	}
	return st
}

// finding is a detector's finding as detect.Run leaves it.
func finding(detector, src string, score int, first, last time.Time, flows uint64) detect.Finding {
	key := detect.KeyOf(detector, src)
	return detect.Finding{ID: detect.IDOf(key), Key: key, Detector: detector, Title: detector + " from " + src,
		Tactics: []string{"TA0007"}, Techniques: []string{"T1046"}, Severity: detect.SeverityOf(score), Score: score,
		FirstSeen: first, LastSeen: last, Entities: detect.Entities{Sources: []string{src}},
		Evidence: detect.Evidence{Flows: flows, Bytes: flows * 60, Ports: []uint16{22, 445}, Filter: "src.ip = " + src,
			Score: []detect.ScoreReason{{Reason: "ports", Points: score}}},
		Summary: src + " probed many ports"}
}

func upsert(t *testing.T, st *Store, now time.Time, fs ...detect.Finding) (int, int) {
	t.Helper()
	o, u, err := st.Upsert(context.Background(), fs, now)
	if err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	return o, u
}

func TestUpsertUpdatesAcrossHunts(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	scan := finding("port-scan", "10.0.0.5", 80, t0.Add(-2*time.Hour), t0.Add(-time.Hour), 100)
	other := finding("port-scan", "10.0.0.6", 30, t0.Add(-2*time.Hour), t0.Add(-time.Hour), 10)
	if o, u := upsert(t, st, t0, scan, other); o != 2 || u != 0 {
		t.Fatalf("first hunt: opened %d updated %d, want 2 and 0", o, u)
	}
	// The next hunt: the scan goes on, with a lower score; the window starts later.
	again := finding("port-scan", "10.0.0.5", 60, t0.Add(-90*time.Minute), t0.Add(30*time.Minute), 250)
	fresh := finding("brute-force", "10.0.0.7", 95, t0, t0.Add(10*time.Minute), 40)
	batch := []detect.Finding{again, fresh}
	o, u, err := st.Upsert(ctx, batch, t0.Add(time.Hour))
	if err != nil || o != 1 || u != 1 {
		t.Fatalf("second hunt: opened %d updated %d (%v), want 1 and 1", o, u, err)
	}
	if batch[0].ID != scan.ID || batch[1].ID != detect.IDOf(fresh.Key) {
		t.Errorf("Upsert set ids %s %s, want %s %s", batch[0].ID, batch[1].ID, scan.ID, detect.IDOf(fresh.Key))
	}
	all, err := st.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("List: %d findings, want 3 (one per key)", len(all))
	}
	got, err := st.Get(ctx, scan.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := again
	want.ID = scan.ID
	want.FirstSeen = scan.FirstSeen // the earlier
	want.Severity = detect.High     // never falls: 80 was high, 60 is medium
	if diff := cmp.Diff(got.Finding, want); diff != "" {
		t.Errorf("merged finding (-got, +want):\n%s", diff)
	}
	if got.Status != StatusOpen || got.Hunts != 2 || !got.Created.Equal(t0) || !got.Updated.Equal(t0.Add(time.Hour)) {
		t.Errorf("status %s hunts %d created %s updated %s; want open, 2, %s, %s", got.Status, got.Hunts,
			got.Created, got.Updated, t0, t0.Add(time.Hour))
	}
	// Re-hunting an older window widens the times but keeps the newer evidence.
	old := finding("port-scan", "10.0.0.5", 99, t0.Add(-5*time.Hour), t0.Add(-4*time.Hour), 7)
	if o, u := upsert(t, st, t0.Add(2*time.Hour), old); o != 0 || u != 1 {
		t.Fatalf("older window: opened %d updated %d, want 0 and 1", o, u)
	}
	got, _ = st.Get(ctx, scan.ID)
	if got.Evidence.Flows != 250 || !got.FirstSeen.Equal(old.FirstSeen) || !got.LastSeen.Equal(again.LastSeen) ||
		got.Severity != detect.Critical {
		t.Errorf("after an older window: flows %d first %s last %s severity %s; want 250, %s, %s, critical",
			got.Evidence.Flows, got.FirstSeen, got.LastSeen, got.Severity, old.FirstSeen, again.LastSeen)
	}
}

func TestReopenRule(t *testing.T) {
	resolvedAt := t0.Add(time.Hour) // the test clock
	tests := []struct {
		name        string
		status      string
		first, last time.Time
		opened      int
		wantStatus  string // of the first finding afterwards
		newRow      bool
	}{
		{"activity already judged", StatusResolved, t0.Add(-time.Hour), resolvedAt, 0, StatusResolved, false},
		{"goes on after the resolution", StatusResolved, t0, resolvedAt.Add(time.Minute), 1, StatusOpen, false},
		{"a false positive goes on", StatusFalsePositive, t0, resolvedAt.Add(time.Minute), 1, StatusOpen, false},
		{"comes back within the horizon", StatusResolved, resolvedAt.Add(6 * 24 * time.Hour), resolvedAt.Add(7 * 24 * time.Hour), 1, StatusOpen, false},
		{"comes back much later", StatusResolved, resolvedAt.Add(30 * 24 * time.Hour), resolvedAt.Add(31 * 24 * time.Hour), 1, StatusResolved, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := openTest(t)
			f := finding("beaconing", "10.0.0.9", 75, t0.Add(-time.Hour), t0, 20)
			upsert(t, st, t0, f)
			if _, err := st.SetStatus(ctx, f.ID, tt.status, "alice", "checked with the owner"); err != nil {
				t.Fatal(err)
			}
			next := finding("beaconing", "10.0.0.9", 75, tt.first, tt.last, 30)
			batch := []detect.Finding{next}
			if o, u := upsert(t, st, tt.last.Add(time.Minute), batch...); o != tt.opened || u != 0 {
				t.Errorf("opened %d updated %d, want %d and 0", o, u, tt.opened)
			}
			got, _ := st.Get(ctx, f.ID)
			if got.Status != tt.wantStatus || len(got.Comments) != 1 {
				t.Errorf("first finding: status %s with %d comments, want %s with 1", got.Status, len(got.Comments), tt.wantStatus)
			}
			all, _ := st.List(ctx, Filter{})
			if (len(all) == 2) != tt.newRow {
				t.Errorf("%d findings, want a new one: %v", len(all), tt.newRow)
			}
			if tt.newRow && (batch[0].ID == f.ID || batch[0].ID != detect.IDOf(f.Key+"#2")) {
				t.Errorf("new finding's id %s, want %s", batch[0].ID, detect.IDOf(f.Key+"#2"))
			}
			if !tt.newRow && batch[0].ID != f.ID {
				t.Errorf("Upsert set id %s, want the existing %s", batch[0].ID, f.ID)
			}
		})
	}
}

func TestStatusCommentsAudit(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	f := finding("lateral-movement", "10.1.0.1", 85, t0.Add(-time.Hour), t0, 12)
	upsert(t, st, t0, f)
	if _, err := st.SetStatus(ctx, f.ID, StatusAcknowledged, "alice", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddComment(ctx, f.ID, "bob", "the jump host is expected to do this"); err != nil {
		t.Fatal(err)
	}
	got, err := st.SetStatus(ctx, f.ID, StatusFalsePositive, "bob", "approved admin path")
	if err != nil || got.Status != StatusFalsePositive || got.StatusBy != "bob" {
		t.Fatalf("SetStatus = %s by %s, %v", got.Status, got.StatusBy, err)
	}
	// The same status again changes nothing and audits nothing.
	if _, err := st.SetStatus(ctx, f.ID, StatusFalsePositive, "bob", ""); err != nil {
		t.Fatal(err)
	}
	got, err = st.Get(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	var comments []string
	for _, c := range got.Comments {
		comments = append(comments, c.Author+": "+c.Text)
	}
	if diff := cmp.Diff(comments, []string{"bob: the jump host is expected to do this", "bob: approved admin path"}); diff != "" {
		t.Errorf("comments (-got, +want):\n%s", diff)
	}
	audit, err := st.Audit(ctx, AuditFilter{Target: f.ID})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Actor+" "+e.Action+" "+e.Detail)
	}
	want := []string{
		"bob finding.comment comment 2",
		"bob finding.status acknowledged → false_positive",
		"bob finding.comment comment 1",
		"alice finding.status open → acknowledged",
		"hunt finding.open high 85 lateral-movement from 10.1.0.1",
	}
	if diff := cmp.Diff(actions, want); diff != "" {
		t.Errorf("audit, newest first (-got, +want):\n%s", diff)
	}
	if err := st.Record(ctx, "carol", "quarantine.request", "web-1", "isolate"); err != nil {
		t.Fatal(err)
	}
	if a, _ := st.Audit(ctx, AuditFilter{Actor: "carol"}); len(a) != 1 || a[0].Action != "quarantine.request" {
		t.Errorf("Audit(actor carol) = %+v", a)
	}

	errs := []struct {
		name string
		err  error
		want error
	}{
		{"unknown id", second(st.SetStatus(ctx, "f-nope", StatusResolved, "alice", "")), ErrNotFound},
		{"bad status", second(st.SetStatus(ctx, f.ID, "closed", "alice", "")), ErrInvalid},
		{"no actor", second(st.SetStatus(ctx, f.ID, StatusResolved, " ", "")), ErrInvalid},
		{"empty comment", second(st.AddComment(ctx, f.ID, "alice", "  ")), ErrInvalid},
		{"comment on unknown id", second(st.AddComment(ctx, "f-nope", "alice", "hi")), ErrNotFound},
		{"get unknown id", second(st.Get(ctx, "f-nope")), ErrNotFound},
	}
	for _, e := range errs {
		if !errors.Is(e.err, e.want) {
			t.Errorf("%s: %v, want %v", e.name, e.err, e.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestList(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	a := finding("port-scan", "10.0.0.1", 45, t0.Add(-3*time.Hour), t0.Add(-2*time.Hour), 1)
	b := finding("brute-force", "10.0.0.2", 95, t0.Add(-time.Hour), t0, 1)
	b.Tactics, b.Summary = []string{"TA0006"}, "SSH password guessing 100%_sure"
	c := finding("port-scan", "10.0.0.3", 72, t0.Add(-time.Hour), t0, 1)
	c.Entities.Workloads = []string{"CRM-Prod-DB1"}
	upsert(t, st, t0, a, b, c)
	if _, err := st.SetStatus(ctx, a.ID, StatusResolved, "alice", ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    Filter
		want []string // sources, queue order
		err  bool
	}{
		{"all, most severe first", Filter{}, []string{"10.0.0.2", "10.0.0.3", "10.0.0.1"}, false},
		{"status", Filter{Status: []string{StatusOpen, StatusAcknowledged}}, []string{"10.0.0.2", "10.0.0.3"}, false},
		{"severity at least", Filter{Severity: detect.High}, []string{"10.0.0.2", "10.0.0.3"}, false},
		{"detector", Filter{Detector: "port-scan"}, []string{"10.0.0.3", "10.0.0.1"}, false},
		{"tactic", Filter{Tactic: "TA0006"}, []string{"10.0.0.2"}, false},
		{"since", Filter{Since: t0.Add(-time.Hour)}, []string{"10.0.0.2", "10.0.0.3"}, false},
		{"text in the entities", Filter{Text: "crm-prod"}, []string{"10.0.0.3"}, false},
		{"text with LIKE characters", Filter{Text: "100%_s"}, []string{"10.0.0.2"}, false},
		{"text % is literal", Filter{Text: "%"}, []string{"10.0.0.2"}, false},
		{"paging", Filter{Limit: 1, Offset: 1}, []string{"10.0.0.3"}, false},
		{"bad status", Filter{Status: []string{"closed"}}, nil, true},
		{"bad severity", Filter{Severity: "urgent"}, nil, true},
		{"bad tactic", Filter{Tactic: "T1046' OR 1=1"}, nil, true},
		{"bad limit", Filter{Limit: MaxLimit + 1}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := st.List(ctx, tt.f)
			if tt.err {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("List: %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Entities.Sources[0])
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("List (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestBindPostgres(t *testing.T) {
	got := PostgreSQL.bind("UPDATE findings SET a = ?, b = ? WHERE id = ?")
	if want := "UPDATE findings SET a = $1, b = $2 WHERE id = $3"; got != want {
		t.Errorf("bind = %q, want %q", got, want)
	}
	if got := DuckDB.bind("a = ? AND b = ?"); got != "a = $1 AND b = $2" {
		t.Errorf("DuckDB bind = %q", got)
	}
}

func TestUpsertManyAndDuplicateKeys(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	var batch []detect.Finding
	for i := range 2*rowsPerStatement + 7 { // several statements' worth
		batch = append(batch, finding("port-scan", "10.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256), 50, t0, t0.Add(time.Hour), 1))
	}
	// The same key twice in one hunt: merged, the later activity's evidence kept.
	dup := finding("port-scan", "10.0.0.0", 90, t0.Add(-time.Hour), t0.Add(2*time.Hour), 99)
	batch = append(batch, dup)
	o, u, err := st.Upsert(ctx, batch, t0)
	if err != nil || o != len(batch)-1 || u != 0 {
		t.Fatalf("Upsert: opened %d updated %d (%v), want %d and 0", o, u, err, len(batch)-1)
	}
	if batch[0].ID != batch[len(batch)-1].ID {
		t.Errorf("the duplicate key went to %s and %s, want one finding", batch[0].ID, batch[len(batch)-1].ID)
	}
	got, err := st.Get(ctx, batch[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Evidence.Flows != 99 || !got.FirstSeen.Equal(dup.FirstSeen) || !got.LastSeen.Equal(dup.LastSeen) || got.Hunts != 1 {
		t.Errorf("merged: flows %d first %s last %s hunts %d", got.Evidence.Flows, got.FirstSeen, got.LastSeen, got.Hunts)
	}
	for i := range batch {
		batch[i].LastSeen = t0.Add(3 * time.Hour)
	}
	if o, u, err = st.Upsert(ctx, batch[:len(batch)-1], t0.Add(3*time.Hour)); err != nil || o != 0 || u != len(batch)-1 {
		t.Errorf("second Upsert: opened %d updated %d (%v), want 0 and %d", o, u, err, len(batch)-1)
	}
	if a, _ := st.Audit(ctx, AuditFilter{Action: "finding.open", Limit: MaxLimit}); len(a) != len(batch)-1 {
		t.Errorf("%d finding.open audit rows, want %d", len(a), len(batch)-1)
	}
}
