package web

import (
	"context"
	"log/slog"
	"regexp"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/rooms"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// LinkSource is an XMPP component link (*component.Link). Status must
// return a snapshot at once, without blocking.
type LinkSource interface {
	Status() component.LinkStatus
}

// BindSource is the SMPP session (*smsbridge.Session). Status must return
// a snapshot at once, without blocking.
type BindSource interface {
	Status() smsbridge.BindStatus
}

// Queues is the part of the store the queue metrics read (*store.Store).
// The calls read the local database and must honour ctx.
type Queues interface {
	MTStats(ctx context.Context) (map[store.MTState]int, time.Time, error)
	MOStats(ctx context.Context) (map[store.MOState]int, time.Time, error)
	CountMOParts(ctx context.Context) (groups, parts int, err error)
}

// Counters is the relay core (*relay.Core): its named counters (relayed_*,
// refused_*, reports_*, bindings_*, registrations, ...). It must honour
// ctx.
type Counters interface {
	Counters(ctx context.Context) (map[string]int64, error)
}

// Rooms is the rooms service (*rooms.Service). Lookup and Live must not
// wait for any room; Stats and PageStats may wait for the rooms store and
// must honour ctx. PageStats answers rooms.ErrUnknownRoom for a page
// nobody visited; a closed service answers rooms.ErrClosed.
type Rooms interface {
	Lookup(ctx context.Context, url string) (roomJID string, occupants int, err error)
	Live() []rooms.LiveRoom
	Stats(ctx context.Context, since time.Time, limit int) (rooms.Stats, error)
	PageStats(ctx context.Context, url string, since time.Time) (rooms.PageStats, error)
}

// Link is one XMPP link as the HTTP side shows it.
type Link struct {
	// Role names the link in metric labels and JSON ("gateway", "rooms"):
	// a short lowercase word, never the domain.
	Role   string
	Source LinkSource
}

// Deps is what the HTTP side reads. Links and SMPP are required; a nil
// Queues, Counters or Rooms leaves its data out (Rooms nil: the rooms
// service is disabled and the room endpoints answer 404).
type Deps struct {
	Links    []Link
	SMPP     BindSource
	Queues   Queues
	Counters Counters
	Rooms    Rooms
	// Version is reported by /api/status and mpimis_build_info.
	Version string
	// Logger receives request failures (default: discard).
	Logger *slog.Logger
	// Timeout bounds each request's work (default 5s).
	Timeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// labelRe is what a label value taken from a name must look like.
var labelRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

func (d *Deps) check() error {
	if d.SMPP == nil {
		return ErrNoSMPP
	}
	if len(d.Links) == 0 {
		return ErrNoLinks
	}
	for _, l := range d.Links {
		if !labelRe.MatchString(l.Role) || l.Source == nil {
			return ErrLinkRole
		}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Timeout <= 0 {
		d.Timeout = 5 * time.Second
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return nil
}
