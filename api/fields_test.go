package api

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestFieldsAPI(t *testing.T) {
	ts := newTestServer(t)
	if code, _ := get(t, ts.URL+"/api/v1/fields", ""); code != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", code)
	}
	code, body := get(t, ts.URL+"/api/v1/fields", "secret")
	var got struct {
		Fields []struct {
			Name, Type, Doc string
			Values          []string
		}
	}
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
		t.Fatalf("fields: %d %v %s", code, err, body)
	}
	byName := map[string]int{}
	for i, f := range got.Fields {
		byName[f.Name] = i
		if i > 0 && got.Fields[i-1].Name >= f.Name {
			t.Errorf("fields not sorted: %q before %q", got.Fields[i-1].Name, f.Name)
		}
	}
	for _, name := range []string{"service", "src.ip", "dst.role", "dst.labels.role", "threat", "llm.provider", "action"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("field %q missing from %d fields", name, len(got.Fields))
		}
	}
	if f := got.Fields[byName["action"]]; f.Type != "action" || len(f.Values) == 0 || f.Doc == "" {
		t.Errorf("action = %+v; want its type, its words and a description", f)
	}
}
