package rooms_test

import (
	"testing"

	"github.com/mpimis/mpimis/rooms"
	"github.com/mpimis/mpimis/rooms/roomstest"
)

// TestMemStoreConformance runs the rooms.Store suite on MemStore.
func TestMemStoreConformance(t *testing.T) {
	roomstest.Run(t, func(*testing.T) rooms.Store { return rooms.NewMemStore() })
}
