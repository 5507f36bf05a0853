package detect

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/weirhq/weir/store/duckdb"
)

func TestNumStr(t *testing.T) {
	r := duckdb.Row{"u64": uint64(7), "u16": uint16(443), "i64": int64(-3), "i32": int32(5), "s": " 12 ", "txt": "x",
		"b": true, "name": "web-1", "nil": nil}
	nums := map[string]uint64{"u64": 7, "u16": 443, "i64": 0, "i32": 5, "s": 12, "txt": 0, "b": 0, "missing": 0}
	for k, want := range nums {
		if got := Num(r, k); got != want {
			t.Errorf("Num(%q) = %d, want %d", k, got, want)
		}
	}
	strs := map[string]string{"name": "web-1", "b": "true", "nil": "", "missing": "", "u16": "443"}
	for k, want := range strs {
		if got := Str(r, k); got != want {
			t.Errorf("Str(%q) = %q, want %q", k, got, want)
		}
	}
}

func TestBaseline(t *testing.T) {
	t0 := time.Date(2026, 1, 14, 0, 0, 0, 0, time.UTC)
	w := Window{From: t0, Until: t0.Add(24 * time.Hour)}
	if q := BaselineQuery(duckdb.AggregateQuery{}, w); !q.From.Equal(t0) || !q.Split.IsZero() {
		t.Errorf("no baseline: got %+v", q)
	}
	w.BaselineFrom = t0.Add(-24 * time.Hour)
	if q := BaselineQuery(duckdb.AggregateQuery{}, w); !q.From.Equal(w.BaselineFrom) || !q.Split.Equal(t0) || !q.Until.Equal(w.Until) {
		t.Errorf("baseline: got %+v", q)
	}
	split := duckdb.Row{"bytes_now": uint64(5), "bytes_prev": uint64(9)}
	whole := duckdb.Row{"bytes": uint64(4)}
	if Now(split, "bytes") != 5 || Prev(split, "bytes") != 9 || Now(whole, "bytes") != 4 || Prev(whole, "bytes") != 0 {
		t.Errorf("Now/Prev misread %v / %v", split, whole)
	}
	a, b := t0, t0.Add(time.Hour)
	if !Later(a, b).Equal(b) || !Later(b, a).Equal(b) || !Earlier(a, b).Equal(a) || !Earlier(b, a).Equal(a) {
		t.Error("Later/Earlier")
	}
}

func TestLists(t *testing.T) {
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"QuoteAll", QuoteAll([]string{"a", `b"c`}), `"a", "b\"c"`},
		{"QuoteAll empty", QuoteAll(nil), ""},
		{"SortedIPs numeric, no empty", SortedIPs(map[string]bool{"10.0.0.10": true, "10.0.0.9": true, "": true, "host": true}),
			[]string{"10.0.0.9", "10.0.0.10", "host"}},
		{"SortedKeys keeps empty", SortedKeys(map[string]int{"b": 1, "": 2, "a": 3}), []string{"", "a", "b"}},
		{"SortedKeys ports", SortedKeys(map[uint16]bool{443: true, 22: true}), []uint16{22, 443}},
		{"NonEmptyKeys", NonEmptyKeys(map[string]bool{"b": true, "": true, "a": true}), []string{"a", "b"}},
		{"PortList", PortList([]uint16{22, 3389}), "22, 3389"},
		{"Size B", Size(999), "999 B"},
		{"Size kB", Size(1500), "1.5 kB"},
		{"Size GB", Size(2_500_000_000), "2.5 GB"},
		{"SizeKB", SizeKB(1500), "1.5 KB"},
		{"SizeKB MB", SizeKB(3_000_000), "3.0 MB"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestScorer(t *testing.T) {
	var s Scorer
	s.Add(60, "many targets")
	s.Add(0, "nothing")
	s.Add(70, "new")
	if s.Score() != 100 {
		t.Errorf("Score = %d, want 100 (capped)", s.Score())
	}
	want := []ScoreReason{{"many targets", 60}, {"new", 70}}
	if diff := cmp.Diff(want, s.Reasons()); diff != "" {
		t.Errorf("Reasons (-want +got):\n%s", diff)
	}
	var neg Scorer
	neg.Add(-10, "known good")
	if neg.Score() != 0 {
		t.Errorf("negative Score = %d, want 0", neg.Score())
	}
}

func TestCompile(t *testing.T) {
	if _, err := Compile("test", "src.ip = "); err == nil {
		t.Error("bad filter compiled")
	}
	if c, err := Compile("test", "answer = false"); err != nil || c.Where == "" {
		t.Errorf("Compile: %v %+v", err, c)
	}
}
