package rooms

import (
	"crypto/rand"
	"time"
)

// Config configures the rooms service. Zero values take the defaults
// noted on each field (those of conf.Defaults where conf has the key).
type Config struct {
	// Domain is the rooms domain (xmpp.rooms_domain); required.
	Domain string
	// MaxOccupants is the most occupants (distinct nicknames) one room
	// admits (rooms.max_occupants; default 5000).
	MaxOccupants int
	// BroadcastLimit is the occupant count above which a room is busy and
	// stops broadcasting joins, leaves and presence changes to everyone
	// (rooms.broadcast_limit; default 100). See the package doc.
	BroadcastLimit int
	// History is how many messages a room keeps and replays to joiners by
	// default, and how many page notes are kept per room (rooms.history;
	// default 20). Negative: none.
	History int
	// MaxMessagesPerMinute is the per-occupant flood limit for messages
	// with a body (rooms.max_messages_per_minute; default 30). Bodyless
	// messages (chat states) and presence updates have a separate budget
	// four times as large; beyond it they are dropped without an error.
	MaxMessagesPerMinute int
	// NoteRetention is how long page notes are kept (default 30 days);
	// older notes are pruned hourly while Run runs. Negative: forever.
	NoteRetention time.Duration
	// MaxNickLength is the longest nickname, in characters (default 64).
	MaxNickLength int
	// MaxBodyLength is the longest message body, in characters
	// (default 10000).
	MaxBodyLength int
	// MaxListed is the most rooms listed in the service's disco#items,
	// busiest first (default 500).
	MaxListed int
	// MailboxLimit is how many stanzas may wait for one room before new
	// ones are refused with resource-constraint (default 4096); leaves and
	// bounced errors are always accepted.
	MailboxLimit int
	// Salt is mixed into visitor hashes (SHA-256(salt || bare JID)); the
	// application passes store.Salt. Empty: a random salt for this process
	// (unique-visitor counts then restart with the process).
	Salt []byte
	// Admins are the bare JIDs allowed to run the administrative ad-hoc
	// commands (xmpp.admins).
	Admins []string
	// Now is the clock (default time.Now); tests set it.
	Now func() time.Time
}

func (c *Config) setDefaults() {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.MaxOccupants, 5000)
	def(&c.BroadcastLimit, 100)
	def(&c.History, 20)
	def(&c.MaxMessagesPerMinute, 30)
	def(&c.MaxNickLength, 64)
	def(&c.MaxBodyLength, 10000)
	def(&c.MaxListed, 500)
	def(&c.MailboxLimit, 4096)
	if c.History < 0 {
		c.History = 0
	}
	if c.NoteRetention == 0 {
		c.NoteRetention = 30 * 24 * time.Hour
	}
	if len(c.Salt) == 0 {
		c.Salt = make([]byte, 32)
		_, _ = rand.Read(c.Salt)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}
