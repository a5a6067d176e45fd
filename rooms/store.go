package rooms

import (
	"context"
	"time"
)

// Note is one message of a page's chat kept for later visitors ("page
// notes"): what was said, under which nickname, and when. It holds no JID.
type Note struct {
	ID    string    // the XEP-0359 stanza-id the room gave the message
	Nick  string    // the sender's nickname in the room
	Body  string    // the message text
	Stamp time.Time // when the room received it
}

// RoomInfo is what a room remembers about its page.
type RoomInfo struct {
	URL   string // normalized page URL ("" while unknown)
	Title string // page title ("" while unknown)
}

// PageStats are the statistics of one page (room). Visitors are counted
// by salted hashes of their bare JIDs; no JID is ever stored.
type PageStats struct {
	Key            string        // room key (the room's localpart)
	URL, Title     string        // as known to the store
	Visits         int64         // occupants who left (or were present at shutdown)
	UniqueVisitors int64         // distinct visitor hashes among those visits
	PeakOccupants  int           // most occupants at the same time
	TotalDwell     time.Duration // sum of the visits' durations
	Messages       int64         // groupchat messages with a body
	LastVisit      time.Time     // end of the latest visit
}

// AvgDwell is the average duration of a visit.
func (p PageStats) AvgDwell() time.Duration {
	if p.Visits == 0 {
		return 0
	}
	return p.TotalDwell / time.Duration(p.Visits)
}

// Store is what the rooms service persists. The service calls it from one
// background goroutine, in order, never on a stanza's path, with a context
// that carries a deadline; an implementation may block for I/O but must
// honour the context. Keys are room keys (ident.RoomKey strings).
type Store interface {
	// SaveRoom records the page URL of a room and, when title is not
	// empty, its title.
	SaveRoom(ctx context.Context, key, url, title string) error
	// LoadRoom returns what is known about a room, or ErrUnknownRoom.
	LoadRoom(ctx context.Context, key string) (RoomInfo, error)
	// AppendNote adds a note to the room and keeps only its newest keep
	// notes.
	AppendNote(ctx context.Context, key string, n Note, keep int) error
	// Notes returns the newest limit notes of the room, oldest first.
	Notes(ctx context.Context, key string, limit int) ([]Note, error)
	// PruneNotes deletes the notes of every room older than before and
	// returns how many it deleted.
	PruneNotes(ctx context.Context, before time.Time) (int, error)
	// RecordVisit records one visit: a visitor (the salted hash of a bare
	// JID) was in the room from joined to left.
	RecordVisit(ctx context.Context, key string, visitor []byte, joined, left time.Time) error
	// RecordMessage counts one groupchat message with a body sent at at.
	RecordMessage(ctx context.Context, key string, at time.Time) error
	// RecordOccupancy records that a live room of the page reached n
	// occupants, reported at at (when a rising peak is saved and when the
	// room closes); the maximum is the page's peak, over all time or over
	// the records reported in a period.
	RecordOccupancy(ctx context.Context, key string, n int, at time.Time) error
	// PageStats returns the statistics of one page over the period from
	// since (zero: all time), or ErrUnknownRoom.
	PageStats(ctx context.Context, key string, since time.Time) (PageStats, error)
	// TopPages returns up to limit pages with the most visits ending at or
	// after since (zero: all time), most visited first.
	TopPages(ctx context.Context, since time.Time, limit int) ([]PageStats, error)
}
