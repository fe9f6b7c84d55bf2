package knowledge

import "testing"

func TestDefault(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Terms) != 82 {
		t.Errorf("default pack has %d terms, want 82", len(p.Terms))
	}
	s, ok := p.Term("Society 5.0")
	if !ok || len(s.Aliases) == 0 || s.Aliases[0] != "Society5.0" {
		t.Errorf("overrides not applied: %+v", s)
	}
}
