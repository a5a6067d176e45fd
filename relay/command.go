package relay

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/mpimis/mpimis/ident"
)

// Verb is what an SMS asks for. The first word of the text decides,
// case-insensitively (DESIGN.md, "SMS interface"):
//
//	HELP | ?                       -> VerbHelp
//	REG|REGISTER|BIND [nick]       -> VerbRegister (Nick optional)
//	NICK <nick>                    -> VerbNick
//	UNREG|UNBIND                   -> VerbUnregister
//	STOP|STOPALL|UNSUBSCRIBE|CANCEL|END|QUIT|REVOKE|OPTOUT -> VerbStop
//	START|UNSTOP                   -> VerbStart
//	WHO|STATUS <dest>              -> VerbWho
//	ADD <dest> / DEL <dest>        -> VerbAdd / VerbDel
//	LIST                           -> VerbList
//	BLOCK <dest> / UNBLOCK <dest>  -> VerbBlock / VerbUnblock
//	<dest> <text>                  -> VerbSend
//	anything else                  -> VerbSticky (reply to the last correspondent)
type Verb int

// Verbs.
const (
	VerbSticky Verb = iota
	VerbHelp
	VerbRegister
	VerbNick
	VerbUnregister
	VerbStop
	VerbStart
	VerbWho
	VerbAdd
	VerbDel
	VerbList
	VerbBlock
	VerbUnblock
	VerbSend
)

var verbNames = [...]string{"sticky", "help", "register", "nick", "unregister", "stop", "start", "who", "add", "del", "list", "block", "unblock", "send"}

func (v Verb) String() string {
	if int(v) < len(verbNames) {
		return verbNames[v]
	}
	return fmt.Sprintf("verb(%d)", int(v))
}

// keywords maps an upper-cased first word to its verb.
var keywords = map[string]Verb{
	"HELP": VerbHelp, "?": VerbHelp,
	"REG": VerbRegister, "REGISTER": VerbRegister, "BIND": VerbRegister,
	"NICK":  VerbNick,
	"UNREG": VerbUnregister, "UNBIND": VerbUnregister,
	"STOP": VerbStop, "STOPALL": VerbStop, "UNSUBSCRIBE": VerbStop, "CANCEL": VerbStop,
	"END": VerbStop, "QUIT": VerbStop, "REVOKE": VerbStop, "OPTOUT": VerbStop,
	"START": VerbStart, "UNSTOP": VerbStart,
	"WHO": VerbWho, "STATUS": VerbWho,
	"ADD": VerbAdd, "DEL": VerbDel, "LIST": VerbList,
	"BLOCK": VerbBlock, "UNBLOCK": VerbUnblock,
}

// usage is the one-line syntax of each verb that takes an argument.
var usage = map[Verb]string{
	VerbNick:    "NICK <name>",
	VerbWho:     "WHO <id|@nick|jid>",
	VerbAdd:     "ADD <id|@nick|jid>",
	VerbDel:     "DEL <id|@nick|jid>",
	VerbBlock:   "BLOCK <id|@nick|jid>",
	VerbUnblock: "UNBLOCK <id|@nick|jid>",
}

// Command is a parsed SMS.
type Command struct {
	Verb Verb
	Nick ident.Nick // VerbRegister (optional), VerbNick
	Dest Dest       // VerbWho, VerbAdd, VerbDel, VerbBlock, VerbUnblock, VerbSend
	Text string     // VerbSend, VerbSticky: the message, trimmed
}

// UsageError says a command was recognised but its argument is missing or
// wrong; Usage is the syntax to reply with. Its text never repeats the
// user's input beyond the keyword.
type UsageError struct {
	Verb  Verb
	Usage string
	Err   error // the argument's problem, if any
}

func (e *UsageError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("relay: %s: %v (usage: %s)", e.Verb, e.Err, e.Usage)
	}
	return fmt.Sprintf("relay: %s: usage: %s", e.Verb, e.Usage)
}

func (e *UsageError) Unwrap() error { return e.Err }

// ErrEmptyText: an SMS with nothing but white space.
var ErrEmptyText = errors.New("relay: empty message")

// ParseSMS parses the text of an SMS sent to the gateway number. It never
// fails for free text (that is VerbSticky); it fails for an empty text, a
// command with a missing or malformed argument (*UsageError), and a message
// addressed to a phone number (ErrPhoneDest: numbers are never addresses).
func ParseSMS(text string) (Command, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Command{}, ErrEmptyText
	}
	first, rest := splitFirst(text)
	if verb, ok := keywords[strings.ToUpper(first)]; ok {
		return parseKeyword(verb, rest)
	}
	if looksLikeDest(first) {
		d, err := ParseDest(first)
		if err != nil {
			return Command{}, err
		}
		if rest == "" {
			return Command{}, &UsageError{Verb: VerbSend, Usage: "<id|@nick|jid> <message>", Err: errors.New("no message after the address")}
		}
		return Command{Verb: VerbSend, Dest: d, Text: rest}, nil
	}
	return Command{Verb: VerbSticky, Text: text}, nil
}

func parseKeyword(verb Verb, rest string) (Command, error) {
	c := Command{Verb: verb}
	arg, extra := splitFirst(rest)
	switch verb {
	case VerbRegister:
		if arg == "" {
			return c, nil
		}
		n, err := ident.ParseNick(arg)
		if err != nil {
			return c, &UsageError{Verb: verb, Usage: "REG [name]", Err: err}
		}
		c.Nick = n
	case VerbNick:
		if arg == "" {
			return c, &UsageError{Verb: verb, Usage: usage[verb]}
		}
		n, err := ident.ParseNick(strings.TrimPrefix(arg, "@"))
		if err != nil {
			return c, &UsageError{Verb: verb, Usage: usage[verb], Err: err}
		}
		c.Nick = n
	case VerbWho, VerbAdd, VerbDel, VerbBlock, VerbUnblock:
		if arg == "" {
			return c, &UsageError{Verb: verb, Usage: usage[verb]}
		}
		d, err := ParseDest(arg)
		if err != nil {
			return c, &UsageError{Verb: verb, Usage: usage[verb], Err: err}
		}
		c.Dest = d
	}
	_ = extra // trailing words after a complete command are ignored
	return c, nil
}

// splitFirst splits s at the first run of white space.
func splitFirst(s string) (first, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}
