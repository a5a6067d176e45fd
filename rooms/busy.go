package rooms

import "slices"

// Presence visibility. A room with more than BroadcastLimit (K) occupants
// is busy. Occupants who join a busy room are quiet: their joins, presence
// changes, nick changes and leaves go only to the occupants who were shown
// their presence (their watchers), not to everyone. Occupants who joined
// while the room had at most K occupants are public: their changes go to
// everyone, and at most K occupants are public at any time. A joiner of a
// busy room is shown the K most recent occupants (and becomes a watcher of
// the quiet ones among them). The invariant: whoever received an
// occupant's available presence receives its later changes and its
// unavailable presence, so no client keeps a ghost. (A public occupant
// not shown to a joiner may still reach it by a change; its leave then
// reaches it too.)

// audience calls fn for every occupant, other than o, who sees o's
// presence changes.
func (r *room) audience(o *occupant, fn func(*occupant)) {
	if o.public {
		for x := r.head; x != nil; x = x.next {
			if x != o {
				fn(x)
			}
		}
		return
	}
	for w := range o.watchers {
		if w.gone {
			delete(o.watchers, w)
			continue
		}
		if w != o {
			fn(w)
		}
	}
}

// shownTo returns the occupants whose presence joining occupant j is
// shown, in join order, and records j as a watcher of the quiet ones: in
// a room that is not busy (or when j is public) everybody, in a busy room
// the K most recent occupants.
func (r *room) shownTo(j *occupant) []*occupant {
	limit := r.svc.cfg.BroadcastLimit
	var out []*occupant
	if j.public || len(r.byNick) <= limit {
		for x := r.head; x != nil; x = x.next {
			if x != j {
				out = append(out, x)
				x.watch(j)
			}
		}
		return out
	}
	for x := r.tail; x != nil && len(out) < limit; x = x.prev {
		if x != j {
			out = append(out, x)
			x.watch(j)
		}
	}
	slices.Reverse(out)
	return out
}
