package lines

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const testLimit = 100 << 10 // above the 64 KiB buffer, so both paths are taken

func TestReader(t *testing.T) {
	long := strings.Repeat("a", 80<<10)  // past the buffer, within the limit
	huge := strings.Repeat("b", 300<<10) // past the limit
	tests := []struct {
		name string
		in   string
		want []string // a line, or "!" for ErrTooLong
	}{
		{"empty", "", nil},
		{"lines", "a\nbc\n\nd\n", []string{"a", "bc", "", "d"}},
		{"no final newline", "a\nb", []string{"a", "b"}},
		{"crlf kept", "a\r\nb\r\n", []string{"a\r", "b\r"}},
		{"long", "x\n" + long + "\ny", []string{"x", long, "y"}},
		{"long at the end", long, []string{long}},
		{"too long", huge + "\nz\n", []string{"!", "z"}},
		{"too long at the end", "z\n" + huge, []string{"z", "!"}},
		{"limit with newline", strings.Repeat("c", testLimit-1) + "\n" + strings.Repeat("d", testLimit) + "\n",
			[]string{strings.Repeat("c", testLimit-1), "!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in), testLimit)
			var got []string
			for {
				line, err := r.Next()
				if err == io.EOF {
					break
				}
				switch {
				case errors.Is(err, ErrTooLong):
					got = append(got, "!")
				case err != nil:
					t.Fatal(err)
				default:
					got = append(got, string(line))
				}
				if r.Line() != int64(len(got)) {
					t.Fatalf("Line() = %d after %d lines", r.Line(), len(got))
				}
				if c := cap(r.long); c > testLimit+readBufSize {
					t.Fatalf("overflow buffer grew to %d bytes", c)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lines (-want, +got):\n%s", diff)
			}
		})
	}
}

// failing fails after its data, as a truncated gzip stream does.
type failing struct{ r io.Reader }

var errBroken = errors.New("broken")

func (f failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errBroken
	}
	return n, err
}

func TestReaderError(t *testing.T) {
	r := NewReader(failing{strings.NewReader("a\nb")}, testLimit)
	if line, err := r.Next(); err != nil || string(line) != "a" {
		t.Fatalf("Next() = %q, %v", line, err)
	}
	if _, err := r.Next(); !errors.Is(err, errBroken) {
		t.Fatalf("Next() error = %v, want %v", err, errBroken)
	}
	if r.Line() != 1 {
		t.Errorf("Line() = %d after a failed second line, want 1", r.Line())
	}
}

// TestReaderAllocs: an ordinary line costs nothing, and the buffer of a huge one is
// let go rather than kept for the life of the reader.
func TestReaderAllocs(t *testing.T) {
	in := bytes.Repeat([]byte("10.0.0.1 10.0.0.2 443 6\n"), 2000)
	r := NewReader(bytes.NewReader(in), testLimit)
	if n := testing.AllocsPerRun(1000, func() {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocations per line, want 0", n)
	}

	huge := strings.Repeat("h", keepLong+readBufSize) // within a raised limit
	r = NewReader(strings.NewReader(huge+"\nnext\n"), 2*len(huge))
	if line, err := r.Next(); err != nil || len(line) != len(huge) {
		t.Fatalf("Next() = %d bytes, %v", len(line), err)
	}
	if line, err := r.Next(); err != nil || string(line) != "next" {
		t.Fatalf("Next() = %q, %v", line, err)
	}
	if r.long != nil {
		t.Errorf("kept a %d-byte buffer after a huge line", cap(r.long))
	}
}
