package relay

import (
	"fmt"
	"strings"

	"github.com/mpimis/mpimis/store"
)

// Every text the relay sends to a phone on its own account is here. Each
// fits one GSM 7-bit segment (160 characters) with realistic values;
// templates with a variable part are sent through Core.fitOne, which
// shortens the variable part (never the fixed text) when an extreme value
// (an 18-digit imid, a 255-byte JID, a status in emoji) would need a
// second segment. No reply repeats what the user typed unless it is a
// known address: a refused or unknown destination might be a number.
// Only characters of the GSM basic set are used ('|' and '^' are in the
// extension table and count twice, so they are used sparingly).

// Fixed replies.
const (
	txtHelp          = "mpimis: <id|@nick|jid> msg; REG [nick]; NICK n; WHO x; ADD/DEL x; LIST; BLOCK/UNBLOCK x; STOP; START; UNREG"
	txtNotRegistered = "You are not registered. Text REG or REG <nick> to get an ID."
	txtNickTaken     = "That nick is taken. Text NICK <name> to try another."
	txtNickRules     = "A nick has 3-32 letters, digits, . _ or - and starts with a letter. Text NICK <name>."
	txtUnregistered  = "Your ID is deleted and will never be used again. Text REG for a new one."
	txtStopped       = "You will get no more messages from mpimis. Text START to opt back in."
	txtStarted       = "You get messages again. Text STOP to opt out, HELP for help."
	txtPhoneDest     = "Phone numbers are not addresses here. Send to an ID, @nick or XMPP address."
	txtBadDest       = "That is not an ID, @nick or XMPP address. Text HELP for help."
	txtNoMessage     = "Nothing to send. Text <id|@nick|jid> <message>."
	txtNoSuchUser    = "No such user."
	txtSelf          = "That is you."
	txtRefused       = "That user does not accept your messages."
	txtUnavailable   = "That user does not get messages now."
	txtRateMinute    = "Too many messages. Wait a minute, then try again."
	txtRateDay       = "You reached today's message limit. Try again tomorrow."
	txtLoop          = "Not sent: the same message went back and forth too often."
	txtWhom          = "Whom to? Start with <id|@nick|jid>, e.g. @bob hi. Text HELP for commands."
	txtListEmpty     = "Your list is empty. Text ADD <id|@nick|jid> to add someone."
	txtListFull      = "Your list is full. Text DEL <id|@nick|jid> to make room."
	txtNotListed     = "That is not in your list."
	txtBlocksFull    = "You block too many already. Text UNBLOCK <id|@nick|jid> first."
	txtNotBlocked    = "That was not blocked."
)

// txtUsage is the answer to a command with a missing or bad argument;
// the variable part is the command's syntax (from command.go).
func txtUsage(syntax string) string { return "Usage: " + syntax }

// txtTooLong refuses a message over limits.max_segments.
func txtTooLong(max int) string {
	return fmt.Sprintf("Message too long: at most %d SMS. Not sent.", max)
}

// Templated replies: the argument is the variable part.

func replyWelcome(jid string) string {
	return "Welcome! You are " + jid + ". Text <id|@nick|jid> msg to send, HELP for commands."
}

func replyRegistered(jid string) string {
	return "You are " + jid + ". Text HELP for commands."
}

func replyRegisteredNickTaken(jid string) string {
	return "You are " + jid + ". That nick is taken: text NICK <name> for another."
}

func replyAlready(jid string) string {
	return "You are already " + jid + ". Text HELP for commands."
}

func replyNick(nick string) string { return "Your nick is now @" + nick + "." }

func replyAdded(dest string) string { return "Added " + dest + "." }

func replyAsked(jid string) string {
	return "Asked " + jid + " to share presence. Text WHO or LIST to see it."
}

func replyListed(dest string) string { return dest + " is in your list." }

func replyRemoved(dest string) string { return "Removed " + dest + "." }

func replyBlocked(dest string) string {
	return "Blocked " + dest + ". Text UNBLOCK " + dest + " to undo."
}

func replyUnblocked(dest string) string { return "Unblocked " + dest + "." }

// whoLine is one answer to WHO and one line of LIST.
func whoLine(dest, state string) string { return dest + ": " + state }

// listHeader starts the answer to LIST.
const listHeader = "Your list:"

// listMore ends a LIST answer that had to leave n buddies out.
func listMore(n int) string { return fmt.Sprintf("+%d more", n) }

// Presence as WHO and LIST show it.
const (
	stateOnlineSMS = "online via SMS"
	stateOffline   = "offline"
	stateUnknown   = "unknown - not shared"
	statePending   = "asked, no answer yet"
)

// buddyState describes an XMPP buddy's last presence: "online", "away
// (in a meeting)", "busy", "offline", "unknown - not shared".
func buddyState(b store.Buddy) (state, status string) {
	switch b.Presence {
	case store.PresenceAvailable:
		switch b.Show {
		case "away", "xa":
			state = "away"
		case "dnd":
			state = "busy"
		default:
			state = "online"
		}
	case store.PresenceUnavailable:
		state = stateOffline
	default:
		if b.To == store.SubPending {
			return statePending, ""
		}
		return stateUnknown, ""
	}
	return state, strings.Join(strings.Fields(b.Status), " ")
}

// withStatus appends a status text in parentheses.
func withStatus(state, status string) string {
	if status == "" {
		return state
	}
	return state + " (" + status + ")"
}
