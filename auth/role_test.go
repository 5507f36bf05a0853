package auth

import "testing"

func TestAllows(t *testing.T) {
	tests := []struct {
		r, need Role
		want    bool
	}{
		{Viewer, Viewer, true}, {Viewer, Analyst, false}, {Analyst, Viewer, true}, {Analyst, Responder, false},
		{Responder, Responder, true}, {Responder, Admin, false}, {Admin, Responder, true}, {Admin, Agent, true},
		{Agent, Agent, true}, {Agent, Viewer, false}, {Responder, Agent, false}, {Role("root"), Viewer, false},
		{Admin, Role("nope"), false},
	}
	for _, tt := range tests {
		if got := tt.r.Allows(tt.need); got != tt.want {
			t.Errorf("%s.Allows(%s) = %v, want %v", tt.r, tt.need, got, tt.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	if r, err := ParseRole(" Responder "); err != nil || r != Responder {
		t.Errorf("ParseRole: %q %v", r, err)
	}
	if _, err := ParseRole("root"); err == nil || err.Error() != `unknown role "root": want one of viewer, analyst, responder, admin, agent` {
		t.Errorf("ParseRole(root): %v", err)
	}
}
