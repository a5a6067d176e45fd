package component

import (
	"testing"
)

func msg(from, to, id string) *Element {
	return NewElement("jabber:component:accept", KindMessage, "from", from, "to", to, "id", id)
}

func TestServiceLaneKeysSenders(t *testing.T) {
	s := &Service{}
	if _, ok := s.Lane(msg("a@x/r1", "1@sms", "1")); ok {
		t.Fatal("a service that is not Concurrent offered a lane")
	}
	s.Concurrent = true
	k1, ok1 := s.Lane(msg("a@x/r1", "1@sms", "1"))
	k2, ok2 := s.Lane(msg("a@x/r2", "1@sms/res", "2"))
	k3, _ := s.Lane(msg("a@x/r1", "sms", "3"))
	k4, _ := s.Lane(msg("b@x/r1", "1@sms", "4"))
	if !ok1 || !ok2 || k1 != k2 || k1 != k3 {
		t.Fatalf("one sender got keys %q/%v, %q/%v and %q", k1, ok1, k2, ok2, k3)
	}
	if k1 == k4 {
		t.Fatalf("different senders share key %q", k1)
	}
	r := NewRouter()
	r.Add("sms", s, nil)
	if k, ok := r.Lane(msg("a@x/r1", "1@SMS", "1")); !ok || k != k1 {
		t.Fatalf("router lane %q/%v, want the service's %q", k, ok, k1)
	}
	if _, ok := r.Lane(msg("a@x", "rooms", "1")); ok {
		t.Fatal("router offered a lane for an unknown domain")
	}
}
