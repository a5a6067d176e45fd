package app

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mpimis/mpimis/rooms"
	"github.com/mpimis/mpimis/rooms/roomstest"
	"github.com/mpimis/mpimis/store"
)

// TestRoomStoreConformance runs the rooms.Store suite on the SQLite
// adapter.
func TestRoomStoreConformance(t *testing.T) {
	roomstest.Run(t, func(t *testing.T) rooms.Store {
		st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "rooms.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := st.Close(); err != nil {
				t.Error(err)
			}
		})
		return roomStore{st: st}
	})
}
