package rooms

import "github.com/mpimis/mpimis/component"

// ownerQuery answers the muc#owner namespace. Page rooms have no owners
// and are configured by the service, but a client that sees status 201
// may accept the default configuration ("instant room", XEP-0045 10.1.2:
// an empty submitted form) or cancel: both are accepted as no-ops, so the
// client's join flow completes. Anything else is forbidden.
func ownerQuery(typ string, q *component.Element) *component.StanzaError {
	if typ != component.TypeSet {
		return errNoOwners
	}
	x := q.Child(component.NSDataForms, "x")
	if x == nil || len(q.Children) != 1 {
		return errNoOwners
	}
	switch x.Get("type") {
	case "cancel":
		return nil
	case "submit":
		for _, f := range x.Children {
			if f.Name.Local == "field" && f.Get("var") != "FORM_TYPE" {
				return errNoOwners
			}
		}
		return nil
	}
	return errNoOwners
}
