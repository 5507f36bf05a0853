package bytesparse

import (
	"testing"
	"time"
)

// The cases of both forms, as ingest/gcpflow (Time) and ingest/route53 (StrictTime)
// tested them before the parsers were shared; the last ones mark where they differ.
func TestTime(t *testing.T) {
	tests := []struct {
		in     string
		lax    string // Time's result in RFC 3339 UTC; empty: rejected
		strict string // StrictTime's
	}{
		{"2019-06-14T03:45:37.186193305Z", "2019-06-14T03:45:37.186193305Z", "2019-06-14T03:45:37.186193305Z"},
		{"2019-06-14T03:45:37Z", "2019-06-14T03:45:37Z", "2019-06-14T03:45:37Z"},
		{"2021-02-04t17:51:55z", "2021-02-04T17:51:55Z", "2021-02-04T17:51:55Z"},
		{"2019-06-14t03:45:37.5+02:30", "2019-06-14T01:15:37.5Z", "2019-06-14T01:15:37.5Z"},
		{"2019-06-14T03:45:37-05:00", "2019-06-14T08:45:37Z", "2019-06-14T08:45:37Z"},
		{"2021-02-04T17:51:55+05:30", "2021-02-04T12:21:55Z", "2021-02-04T12:21:55Z"},
		{"2024-02-29T17:51:55Z", "2024-02-29T17:51:55Z", "2024-02-29T17:51:55Z"},
		{"2021-01-31T23:59:60Z", "2021-02-01T00:00:00Z", "2021-02-01T00:00:00Z"}, // leap second rolls over
		{"2019-02-30T03:45:37Z", "", ""},
		{"2021-02-29T17:51:55Z", "", ""},
		{"2021-13-04T17:51:55Z", "", ""},
		{"2019-06-14T24:00:00Z", "", ""},
		{"2019-06-14T03:60:00Z", "", ""},
		{"2019-06-14T03:45:37", "", ""},
		{"2019-06-14T03:45:37.Z", "", ""},
		{"2019-06-14T03:45:37Zjunk", "", ""},
		{"2021-02-04T17:51:55+5:30", "", ""},
		{"2021-02-04T17:51:55+24:00", "", ""},
		{"2021-02-04T17:51:55+05:30x", "", ""},
		{"2021-02-04X17:51:55Z", "", ""},
		{"2O21-02-04T17:51:55Z", "", ""},
		{"", "", ""},
		// Where the forms differ.
		{"2019-06-14T03:45:37.1234567891Z", "2019-06-14T03:45:37.123456789Z", ""},
		{"2021-02-04 17:51:55Z", "2021-02-04T17:51:55Z", ""},
		{"2021-02-30T23:59:60Z", "2021-03-03T00:00:00Z", ""},
	}
	format := func(t time.Time, ok bool) string {
		if !ok {
			return ""
		}
		if t.Location() != time.UTC {
			return "not UTC: " + t.String()
		}
		return t.Format(time.RFC3339Nano)
	}
	for _, tt := range tests {
		if got := format(Time([]byte(tt.in))); got != tt.lax {
			t.Errorf("Time(%q) = %q, want %q", tt.in, got, tt.lax)
		}
		if got := format(StrictTime([]byte(tt.in))); got != tt.strict {
			t.Errorf("StrictTime(%q) = %q, want %q", tt.in, got, tt.strict)
		}
	}
}

// FuzzTime checks that neither form panics, that the strict one accepts nothing the
// lenient one refuses, and that the strict one agrees with time.Parse on the
// canonical form.
func FuzzTime(f *testing.F) {
	for _, s := range []string{"2019-06-14T03:45:37.186193305Z", "2019-06-14t03:45:37.5+02:30", "2021-02-04 17:51:55Z", "2021-02-30T23:59:60Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lax, okLax := Time([]byte(s))
		strict, okStrict := StrictTime([]byte(s))
		if okStrict && (!okLax || !lax.Equal(strict)) {
			t.Fatalf("StrictTime(%q) = %v, Time = %v, %v", s, strict, lax, okLax)
		}
		// time.Parse takes more forms (a one-digit hour, a comma before the fraction),
		// so compare on the canonical one that time writes.
		if want, err := time.Parse(time.RFC3339Nano, s); err == nil && want.Format(time.RFC3339Nano) == s {
			if !okStrict || !strict.Equal(want) {
				t.Fatalf("StrictTime(%q) = %v, %v; time.Parse = %v", s, strict, okStrict, want)
			}
		}
	})
}

func TestTimeAllocs(t *testing.T) {
	b := []byte("2019-06-14T03:45:37.186193305+02:00")
	if n := testing.AllocsPerRun(100, func() { _, _ = Time(b); _, _ = StrictTime(b) }); n != 0 {
		t.Errorf("%v allocations per call, want 0", n)
	}
}
