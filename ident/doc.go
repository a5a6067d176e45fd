// Package ident owns the typed identifiers of mpimis and all their parsing
// and formatting:
//
//   - [Phone], a phone number in E.164 form, whose every printable form is
//     masked so that it cannot leak into XMPP, HTTP, metrics or logs;
//   - [IMID], the random numeric identity of an SMS user (the localpart of
//     <imid>@gateway_domain);
//   - [Nick], the optional display name of an SMS user;
//   - [RoomKey], the localpart of the room of a web page, derived from the
//     page's normalized URL ([NormalizeURL]).
//
// Each type lives in its own file whose doc comment is the specification,
// with worked examples. Errors never repeat a whole input, since an input
// that is not accepted might be a phone number (or a URL with a password);
// at most they name one offending character, a URL's scheme or a host
// label. All errors wrap one of the sentinel errors of errors.go and can be
// tested with [errors.Is].
//
// The package is a leaf: it imports only the standard library,
// github.com/nyaruka/phonenumbers and golang.org/x/net/idna.
package ident
