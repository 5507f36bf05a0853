package ingest

// Strings interns byte slices as strings so that a value repeated on every line (an
// account, a region, an interface id) is allocated once. Lookups with a []byte key
// do not allocate (the compiler's string(b) map-key optimisation). Not safe for
// concurrent use. It stops adding past a bound so that a hostile input with a new
// value on every line cannot grow it without limit; values past it are allocated.
type Strings struct {
	m map[string]string
}

const maxInterned = 1 << 16

// Get returns b as a string, shared with earlier calls for the same bytes.
func (s *Strings) Get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if v, ok := s.m[string(b)]; ok {
		return v
	}
	v := string(b)
	if s.m == nil {
		s.m = make(map[string]string, 64)
	}
	if len(s.m) < maxInterned {
		s.m[v] = v
	}
	return v
}

// GetString is Get for a value that is already a string.
func (s *Strings) GetString(v string) string {
	if v == "" {
		return ""
	}
	if w, ok := s.m[v]; ok {
		return w
	}
	if s.m == nil {
		s.m = make(map[string]string, 64)
	}
	if len(s.m) < maxInterned {
		s.m[v] = v
	}
	return v
}
