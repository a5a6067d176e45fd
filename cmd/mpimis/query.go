package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// queryKind says how a binding is looked up.
type queryKind int

const (
	byIMID queryKind = iota
	byNick
	byPhone
)

// query is a parsed argument of "mpimis bindings find/unbind".
type query struct {
	kind  queryKind
	value string      // the imid, or the lowercase nick
	phone ident.Phone // for byPhone
}

// parseQuery reads what the operator typed to name a binding:
//
//	45678901                  -> imid
//	45678901@sms.example.org  -> imid (the gateway domain, any case; a resource is ignored)
//	@bob, bob                 -> nick (case-insensitive)
//	+4915112345678, 0049...   -> phone number (E.164, or international with 00)
//
// A run of digits that is not an imid (a leading 0, too short or too long)
// is refused with a hint to give a number with its country code. Errors
// never repeat the input, which may be a phone number.
func parseQuery(s, domain string) (query, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return query{}, errors.New("empty binding: give an imid, @nick, imid@domain or +number")
	case strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00"):
		p, err := ident.ParsePhone(s, "")
		if err != nil {
			return query{}, errors.New("not a possible phone number: give it in international form, + and its country code first")
		}
		return query{kind: byPhone, value: p.E164(), phone: p}, nil
	case strings.HasPrefix(s, "@"):
		n, err := ident.ParseNick(s[1:])
		if err != nil {
			return query{}, fmt.Errorf("not a nick: %w", err)
		}
		return query{kind: byNick, value: string(n)}, nil
	}
	if local, rest, ok := strings.Cut(s, "@"); ok {
		host, _, _ := strings.Cut(rest, "/")
		if !strings.EqualFold(host, domain) {
			return query{}, fmt.Errorf("not an SMS user's JID: the domain is not the gateway domain %s", domain)
		}
		id, err := ident.ParseIMID(local)
		if err != nil {
			return query{}, fmt.Errorf("not an SMS user's JID: %w", err)
		}
		return query{kind: byIMID, value: string(id)}, nil
	}
	if isDigits(s) {
		id, err := ident.ParseIMID(s)
		if err != nil {
			return query{}, fmt.Errorf("not an imid (%d to %d digits, not starting with 0); a phone number needs + and its country code first",
				ident.MinIMIDDigits, ident.MaxIMIDDigits)
		}
		return query{kind: byIMID, value: string(id)}, nil
	}
	n, err := ident.ParseNick(s)
	if err != nil {
		return query{}, fmt.Errorf("not an imid, @nick, imid@domain or +number: %w", err)
	}
	return query{kind: byNick, value: string(n)}, nil
}

// describe names the query in messages; a phone number is masked unless
// show is set.
func (q query) describe(show bool) string {
	switch q.kind {
	case byNick:
		return "@" + q.value
	case byPhone:
		if show {
			return q.phone.E164()
		}
		return q.phone.String()
	}
	return q.value
}

// lookup finds the live binding q names, or store.ErrNotFound.
func (q query) lookup(ctx context.Context, st *store.Store) (*store.Binding, error) {
	switch q.kind {
	case byNick:
		return st.GetBindingByNick(ctx, q.value)
	case byPhone:
		return st.GetBindingByPhone(ctx, q.phone.E164())
	}
	return st.GetBindingByIMID(ctx, q.value)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
