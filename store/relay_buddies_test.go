package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestUpdateBuddy(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	mustCreate(t, s, "45678901", "+4915123456789", "")
	const owner, alice = "45678901", "alice@example.org"
	steps := []struct {
		name    string
		owner   string
		peer    string
		fn      func(b *Buddy, exists bool) bool
		wantErr error
		want    *Buddy // row afterwards; nil: no row
	}{
		{"add", owner, alice, func(b *Buddy, exists bool) bool {
			if exists {
				t.Error("add: row exists")
			}
			b.Listed, b.To = true, SubPending
			return true
		}, nil, &Buddy{Listed: true, To: SubPending, Presence: PresenceUnknown}},
		{"no write", owner, alice, func(b *Buddy, exists bool) bool {
			if !exists || !b.Listed {
				t.Errorf("no write: got %v exists %t", b, exists)
			}
			b.Listed = false
			return false
		}, nil, &Buddy{Listed: true, To: SubPending, Presence: PresenceUnknown}},
		{"presence", owner, alice, func(b *Buddy, _ bool) bool {
			b.To, b.Presence, b.Show, b.Status = SubSubscribed, PresenceAvailable, "away", "lunch"
			return true
		}, nil, &Buddy{Listed: true, To: SubSubscribed, Presence: PresenceAvailable, Show: "away", Status: "lunch"}},
		{"owner cannot change", owner, alice, func(b *Buddy, _ bool) bool {
			b.Owner, b.Peer, b.From = "1", "x", true
			return true
		}, nil, &Buddy{Listed: true, To: SubSubscribed, From: true, Presence: PresenceAvailable, Show: "away", Status: "lunch"}},
		{"bad state", owner, alice, func(b *Buddy, _ bool) bool { b.To = "maybe"; return true }, ErrInvalid,
			&Buddy{Listed: true, To: SubSubscribed, From: true, Presence: PresenceAvailable, Show: "away", Status: "lunch"}},
		{"unlist keeps subscriber", owner, alice, func(b *Buddy, _ bool) bool {
			b.Listed, b.To, b.Presence = false, SubNone, PresenceUnknown
			return true
		}, nil, &Buddy{From: true, To: SubNone, Presence: PresenceUnknown, Show: "away", Status: "lunch"}},
		{"empty row deleted", owner, alice, func(b *Buddy, _ bool) bool { b.From = false; return true }, nil, nil},
		{"unknown owner", "99999999", alice, func(b *Buddy, _ bool) bool { b.Listed = true; return true }, ErrNotFound, nil},
		{"empty peer", owner, "", func(b *Buddy, _ bool) bool { b.Listed = true; return true }, ErrInvalid, nil},
	}
	for i, st := range steps {
		clk.t = clk.t.Add(time.Second)
		_, err := s.UpdateBuddy(ctx, st.owner, st.peer, clk.t, st.fn)
		if !errors.Is(err, st.wantErr) {
			t.Errorf("%d %s: err %v, want %v", i, st.name, err, st.wantErr)
		}
		got, gerr := s.GetBuddy(ctx, owner, alice)
		if st.want == nil {
			if !errors.Is(gerr, ErrNotFound) {
				t.Errorf("%d %s: row %v, %v; want none", i, st.name, got, gerr)
			}
			continue
		}
		w := *st.want
		w.Owner, w.Peer = owner, alice
		got.UpdatedAt = time.Time{}
		if gerr != nil || got != w {
			t.Errorf("%d %s: row %+v, %v; want %+v", i, st.name, got, gerr, w)
		}
	}
}

func TestListBuddiesAndSubscribers(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	mustCreate(t, s, "45678901", "+4915123456789", "")
	mustCreate(t, s, "56789012", "+4915223456789", "")
	rows := []struct {
		owner, peer  string
		listed, from bool
	}{
		{"45678901", "zed@example.org", true, false},
		{"45678901", "amy@example.org", true, true},
		{"45678901", "fan@example.org", false, true},
		{"45678901", IMIDPeer("56789012"), true, false},
		{"56789012", "amy@example.org", true, true},
	}
	for _, r := range rows {
		if _, err := s.UpdateBuddy(ctx, r.owner, r.peer, clk.t, func(b *Buddy, _ bool) bool {
			b.Listed, b.From = r.listed, r.from
			return true
		}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListBuddies(ctx, "45678901")
	if err != nil {
		t.Fatal(err)
	}
	var peers []string
	for _, b := range list {
		peers = append(peers, b.Peer)
	}
	if want := []string{"amy@example.org", IMIDPeer("56789012"), "zed@example.org"}; !slices.Equal(peers, want) {
		t.Errorf("ListBuddies = %v, want %v", peers, want)
	}
	subs, err := s.Subscribers(ctx, "45678901")
	if want := []string{"amy@example.org", "fan@example.org"}; err != nil || !slices.Equal(subs, want) {
		t.Errorf("Subscribers = %v, %v; want %v", subs, err, want)
	}
	for i, tc := range []struct {
		owner        string
		listed, subs int
	}{
		{"45678901", 3, 2},
		{"56789012", 1, 1},
		{"99999999", 0, 0},
	} {
		l, f, err := s.CountBuddies(ctx, tc.owner)
		if err != nil || l != tc.listed || f != tc.subs {
			t.Errorf("%d CountBuddies(%s) = %d, %d, %v; want %d, %d", i, tc.owner, l, f, err, tc.listed, tc.subs)
		}
	}
	if empty, err := s.ListBuddies(ctx, "99999999"); err != nil || len(empty) != 0 {
		t.Errorf("ListBuddies unknown = %v, %v", empty, err)
	}
}
