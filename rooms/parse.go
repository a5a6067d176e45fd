package rooms

import (
	"time"

	"github.com/mpimis/mpimis/component"
)

// parseJoinWith reads a join presence: the MUC <x/> with its optional
// <history/> (def stanzas without a request), and the optional page
// element.
func parseJoinWith(st *component.Element, def int, now time.Time) joinRequest {
	x := st.Child(component.NSMUC, "x")
	return joinRequest{
		muc:     x != nil,
		history: parseHistory(x, def, now),
		page:    parsePage(st),
	}
}
