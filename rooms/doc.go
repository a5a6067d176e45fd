// Package rooms owns the co-browsing rooms: the XEP-0045 multi-user chat
// service of the rooms domain, one room per web page, as XMPP clients use
// it. It also keeps what outlives a room: the page's URL and title, its
// last messages ("page notes") and its visit statistics, through the small
// Store interface defined here (MemStore is an in-memory implementation).
// It speaks XMPP only through package component's Element and Sender.
//
// # Addressing
//
// A room's localpart is the ident.RoomKey of its page URL; any other
// localpart is refused with item-not-found and a text saying that rooms
// are pages (use `mpimis room URL` or Service.Lookup). The resource is the
// occupant's nickname: not empty, not only white space, no control
// characters, at most Config.MaxNickLength characters.
//
// # Lifecycle and concurrency
//
// Service is a registry of live rooms. A join (an available presence with
// <x xmlns='http://jabber.org/protocol/muc'/>) to a room that is not live
// creates it; the room goroutine reads the page's URL, title and notes
// from the store, then processes its events. When the last occupant
// leaves, the room is destroyed. Each room's state (occupants by nickname,
// real full JID -> occupant, join order, history ring, flood budgets) is
// owned by its goroutine, which receives typed events through a mailbox
// that never blocks the link's dispatch goroutine and sends stanzas itself
// with Sender.Send. Store calls run in order on one background goroutine.
//
// # Joining
//
// A joiner receives, in this order (XEP-0045 7.2): the presence of the
// other occupants it may see; its own presence with status 110 (plus 201
// when this join opened the room, and 170 because the discussion is kept
// as page notes); the discussion history (the last Config.History
// messages by default, narrowed by the joiner's <history maxchars
// maxstanzas seconds since/>), each with a XEP-0203 <delay/> from the
// room; and the subject, which is the page title, else its URL. The
// others receive the joiner's presence. Presences from the room carry
// <x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none'
// role='participant'/></x>: there are no owners or moderators, and real
// JIDs are never shown (semi-anonymous).
//
// A joiner may say which page it is on, as the browser widget does:
//
//	<presence to='ROOMKEY@rooms.example.org/nick'>
//	  <x xmlns='http://jabber.org/protocol/muc'/>
//	  <page xmlns='urn:mpimis:page' url='https://example.org/a' title='A page'/>
//	</presence>
//
// The URL must hash to the room key (else bad-request); it is recorded
// with the title if the room has none yet. Service.Lookup records URL and
// title too (a lookup's title replaces an older one).
//
// # Multiple sessions
//
// A second full JID joining with a nickname already in use gets conflict,
// unless its bare JID is the holder's: it then joins as one more session
// of that occupant (it receives the join sequence, nobody else is told).
// Messages to the occupant reach all its sessions; a nickname change
// renames the occupant with all its sessions; the occupant leaves when its
// last session does.
//
// # Messages, iqs and errors
//
// Groupchat messages from occupants are reflected to every session in the
// room from room/nick, with their id kept and a XEP-0359 stanza-id by the
// room added (stanza-ids claiming to be by the room are removed first);
// those with a body enter the history and the page notes. Non-occupants
// get not-acceptable; a subject change gets forbidden (the subject is the
// page title). Private messages (chat or normal to room/nick) go to the
// recipient's sessions from room/sender-nick; an unknown recipient is
// item-not-found. An occupant's XEP-0410 self-ping is answered by the room;
// other iqs between occupants are forwarded (vcard-temp, vCard4 and pubsub
// to the bare JID), their answers routed back; non-occupants get
// not-acceptable. An error stanza bounced from an occupant's session with
// a condition that means the client is gone removes that session; if it
// was the last one, the others see it leave with status 333. The muc#owner
// namespace accepts only the "instant room" submission (a no-op).
//
// # Limits
//
// A room admits Config.MaxOccupants occupants; further joiners get
// service-unavailable (wait). Each occupant may send
// Config.MaxMessagesPerMinute messages with a body per minute (a token
// bucket that allows a minute's burst); beyond, policy-violation (wait).
// Bodyless messages and presence changes have a budget four times that
// size and are dropped silently beyond it (a dropped presence change is
// still remembered and shown to later joiners). Bodies are at most
// Config.MaxBodyLength characters (else not-acceptable). A room whose
// mailbox is full refuses new stanzas with resource-constraint (wait);
// leaves and errors are always accepted.
//
// # Busy rooms
//
// Full presence broadcast costs N² stanzas. A room with more than
// Config.BroadcastLimit (K) occupants is busy:
//
//   - someone joining a busy room receives the presence of the K most
//     recent occupants, then its own presence; nobody else is told about
//     the join;
//   - occupants who joined while the room had at most K occupants are
//     public (there are at most K): everyone gets their presence changes,
//     nickname changes and leaves. Those who joined a busy room are quiet:
//     their changes and leave go only to the occupants who were shown
//     them. So nobody is ever left with a ghost occupant;
//   - groupchat messages still go to everyone;
//   - the subject gets the live count appended ("Title (523 people
//     here)"), and disco#info of the room reports muc#roominfo_occupants
//     and muc#roomconfig_presencebroadcast 'moderator' (instead of
//     'moderator participant visitor').
//
// # Statistics
//
// Per page: visits (an occupant from join to leave), unique visitors
// (SHA-256 of Config.Salt and the bare JID; JIDs are never stored), peak
// concurrent occupants, total and average dwell time, messages; Live and
// Stats list the pages busy now and the most visited over a period.
package rooms
