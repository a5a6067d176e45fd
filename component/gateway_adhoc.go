package component

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/mpimis/mpimis/relay"
)

// XEP-0050 statuses, actions and note types.
const (
	gwStatusExecuting = "executing"
	gwStatusCompleted = "completed"
	gwStatusCanceled  = "canceled"

	gwActionExecute  = "execute"
	gwActionComplete = "complete"
	gwActionCancel   = "cancel"
	gwActionNext     = "next"
	gwActionPrev     = "prev"

	gwNoteInfo  = "info"
	gwNoteWarn  = "warn"
	gwNoteError = "error"
)

// Limits of the command sessions kept between a form and its submission.
const (
	gwMaxSessions = 256
	gwSessionTTL  = 10 * time.Minute
)

// gwCommand is one ad-hoc command. A command with a form has two steps
// (execute -> form, submit -> result); one without runs at once.
type gwCommand struct {
	node, name string
	form       func() *Element // the form to fill in; nil: no input
	// run executes the command with the submitted values and returns the
	// children of the completed <command/> (a result form, notes). A
	// *StanzaError means the submission is unacceptable (the session stays
	// open for another try); any other error is a failure reported in an
	// error note.
	run func(ctx context.Context, gw relay.Gateway, vals map[string][]string) ([]*Element, error)
}

// gwSession is an open command session, bound to its node and requester.
type gwSession struct {
	node, owner string
	expires     time.Time
}

// gwCommands holds the commands and their open sessions. Stanzas of the
// gateway domain may be handled on more than one link's dispatch
// goroutine, hence the lock.
type gwCommands struct {
	list []*gwCommand
	now  func() time.Time

	mu       sync.Mutex
	sessions map[string]gwSession
}

func (c *gwCommands) find(node string) *gwCommand {
	for _, cmd := range c.list {
		if cmd.node == node {
			return cmd
		}
	}
	return nil
}

// open starts a session for node and owner.
func (c *gwCommands) open(node, owner string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expireLocked()
	if len(c.sessions) >= gwMaxSessions {
		return "", gwErrTooManyCmds
	}
	id := gwSessionID(node)
	c.sessions[id] = gwSession{node: node, owner: owner, expires: c.now().Add(gwSessionTTL)}
	return id, nil
}

// check verifies that session id is open for node and owner.
func (c *gwCommands) check(id, node, owner string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expireLocked()
	s, ok := c.sessions[id]
	switch {
	case !ok:
		return gwErrExpired
	case s.node != node || s.owner != owner:
		return gwErrBadSession
	}
	return nil
}

func (c *gwCommands) close(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sessions, id)
}

func (c *gwCommands) expireLocked() {
	now := c.now()
	for id, s := range c.sessions {
		if now.After(s.expires) {
			delete(c.sessions, id)
		}
	}
}

// gwSessionID returns an unguessable session id.
func gwSessionID(node string) string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return node + ":" + hex.EncodeToString(b[:])
}

// command runs the XEP-0050 flow on the domain, for administrators only:
// execute a command with a form -> the form (status executing, sessionid);
// submit it (execute or complete with the data form) -> the result (status
// completed); cancel -> status canceled. Commands without input complete at
// once, as does a first request that already carries the filled-in form.
func (h *gwHandlers) command(ctx context.Context, _ Sender, iq *Element) (*Element, error) {
	to, ok := gwTo(iq)
	if !ok || to.local != "" {
		return nil, gwErrNotHere
	}
	c := Payload(iq)
	node := c.Get("node")
	if node == "" {
		return nil, gwErrNoNode
	}
	cmd := h.cmds.find(node)
	if cmd == nil {
		return nil, gwErrNoSuchNode
	}
	if !h.isAdmin(iq) {
		return nil, gwErrNotAdmin
	}
	action := c.Get("action")
	switch action {
	case "", gwActionExecute, gwActionComplete, gwActionCancel:
	case gwActionNext, gwActionPrev:
		return nil, gwErrBadAction
	default:
		return nil, gwErrMalformedAct
	}
	owner, sid := iq.Get("from"), c.Get("sessionid")
	x := c.Child(NSDataForms, "x") // XEP-0050 4.4: any form type counts as submit
	if sid == "" {
		switch {
		case action == gwActionCancel:
			return nil, gwErrExpired
		case cmd.form == nil || x != nil:
			return h.runCommand(ctx, cmd, gwSessionID(node), x)
		}
		sid, err := h.cmds.open(node, owner)
		if err != nil {
			return nil, err
		}
		return gwCommandElement(node, sid, gwStatusExecuting).Add(
			NewElement(gwNSCommands, "actions", "execute", gwActionComplete).Add(
				NewElement(gwNSCommands, gwActionComplete)),
			cmd.form(),
		), nil
	}
	if err := h.cmds.check(sid, node, owner); err != nil {
		return nil, err
	}
	if action == gwActionCancel {
		h.cmds.close(sid)
		return gwCommandElement(node, sid, gwStatusCanceled), nil
	}
	if x == nil {
		return nil, gwErrNoForm
	}
	res, err := h.runCommand(ctx, cmd, sid, x)
	if err == nil {
		h.cmds.close(sid)
	}
	return res, err
}

// runCommand runs cmd and renders its completed <command/>.
func (h *gwHandlers) runCommand(ctx context.Context, cmd *gwCommand, sid string, x *Element) (*Element, error) {
	children, err := cmd.run(ctx, h.gw, gwFormValues(x))
	if err != nil {
		var se *StanzaError
		if errors.As(err, &se) {
			return nil, se
		}
		h.logRefusal("admin command failed", err, "node", cmd.node)
		children = []*Element{gwNote(gwNoteError, gwFailureText(err))}
	}
	return gwCommandElement(cmd.node, sid, gwStatusCompleted).Add(children...), nil
}

// gwFailureText is the note shown for a failed command: the relay's text.
func gwFailureText(err error) string {
	se := gwStanzaError(err)
	if se.Text != "" {
		return se.Text
	}
	return "the command failed (" + se.Condition + "); try again later"
}

func gwCommandElement(node, sid, status string) *Element {
	return NewElement(gwNSCommands, "command", "node", node, "sessionid", sid, "status", status)
}

func gwNote(typ, text string) *Element {
	return NewElement(gwNSCommands, "note", "type", typ).WithText(text)
}

// gwBadPayload refuses a submitted form (XEP-0050 bad-payload).
func gwBadPayload(text string) *StanzaError {
	return &StanzaError{Type: ErrTypeModify, Condition: CondBadRequest, Text: "bad-payload: " + text}
}
