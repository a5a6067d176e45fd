package store

import "time"

// The rooms service's persistence (tables rooms, room_notes,
// room_visitors, room_visits, room_messages and room_peaks). These types
// mirror the rooms package's without importing it; internal/app adapts
// them. A room exists once anything was written about it. Visitors are
// salted hashes of bare JIDs: no JID is ever stored.

// RoomNote is one kept message of a page's chat.
type RoomNote struct {
	ID    string    // the stanza-id the room gave the message
	Nick  string    // the sender's nickname in the room
	Body  string    // the message text
	Stamp time.Time // when the room received it
}

// RoomInfo is what the store remembers about a room's page.
type RoomInfo struct {
	URL   string // normalized page URL ("" while unknown)
	Title string // page title ("" while unknown)
}

// PageStats are the statistics of one page (room) over a period.
type PageStats struct {
	Key            string        // room key
	URL, Title     string        // as known to the store
	Visits         int64         // visits ending in the period
	UniqueVisitors int64         // distinct visitor hashes among those visits
	PeakOccupants  int           // most occupants recorded in the period
	TotalDwell     time.Duration // sum of the visits' durations
	Messages       int64         // messages recorded in the period
	LastVisit      time.Time     // end of the latest visit ever (zero: none)
}

// nanos converts t to stored Unix nanoseconds.
func nanos(t time.Time) int64 { return t.UnixNano() }

// fromNanos converts stored Unix nanoseconds to a UTC time.Time.
func fromNanos(ns int64) time.Time { return time.Unix(0, ns).UTC() }
