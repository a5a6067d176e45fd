package component

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/relay"
)

// Nodes of the administrators' ad-hoc commands.
const (
	gwCmdFind    = "find"
	gwCmdUnbind  = "unbind"
	gwCmdSuspend = "suspend"
	gwCmdResume  = "resume"
	gwCmdStats   = "stats"
)

// newGWCommands returns the administrators' commands. None of them shows
// or takes a phone number: bindings are named by imid or nick.
func newGWCommands() *gwCommands {
	return &gwCommands{
		now:      time.Now,
		sessions: make(map[string]gwSession),
		list: []*gwCommand{
			{node: gwCmdFind, name: "Find a binding", form: gwFindForm, run: gwRunFind},
			{node: gwCmdUnbind, name: "Unbind an SMS user", form: gwUnbindForm, run: gwRunUnbind},
			{node: gwCmdSuspend, name: "Suspend an SMS user", form: gwIMIDForm("Suspend an SMS user",
				"No SMS will go to or come from this user until resumed."), run: gwRunSuspend},
			{node: gwCmdResume, name: "Resume an SMS user", form: gwIMIDForm("Resume an SMS user",
				"Lift a suspension."), run: gwRunResume},
			{node: gwCmdStats, name: "Statistics", run: gwRunStats},
		},
	}
}

func gwFindForm() *Element {
	return gwNewForm(gwFormForm, "Find a binding", "Enter an SMS user's ID or nick.").Add(
		gwField(gwFieldText, "query", "ID or nick", true))
}

func gwIMIDForm(title, instructions string) func() *Element {
	return func() *Element {
		return gwNewForm(gwFormForm, title, instructions).Add(
			gwField(gwFieldText, "imid", "SMS user's ID", true))
	}
}

func gwUnbindForm() *Element {
	return gwIMIDForm("Unbind an SMS user",
		"Retire the binding as UNREG would (no SMS is sent to the phone); the ID is never reused.")().Add(
		gwField(gwFieldBool, "confirm", "Yes, unbind", true, "0"))
}

func gwRunFind(ctx context.Context, gw relay.Gateway, vals map[string][]string) ([]*Element, error) {
	q := gwFirst(vals, "query")
	if q == "" {
		return nil, gwBadPayload("the field 'query' is required")
	}
	b, err := gw.FindBinding(ctx, q)
	if err != nil {
		return nil, err
	}
	created := ""
	if !b.CreatedAt.IsZero() {
		created = b.CreatedAt.UTC().Format(time.RFC3339)
	}
	return []*Element{gwNewForm(gwFormResult, "Binding", "").Add(
		gwField(gwFieldNoInput, "imid", "ID", false, b.IMID.String()),
		gwField(gwFieldNoInput, "nick", "Nick", false, b.Nick),
		gwField(gwFieldNoInput, "state", "State", false, b.State),
		gwField(gwFieldNoInput, "created", "Created", false, created),
		gwField(gwFieldNoInput, "buddies", "Buddies", false, strconv.Itoa(b.Buddies)),
		gwField(gwFieldNoInput, "blocks", "Blocks", false, strconv.Itoa(b.Blocks)),
	)}, nil
}

// gwSubmittedIMID returns the form's imid field.
func gwSubmittedIMID(vals map[string][]string) (ident.IMID, error) {
	s := gwFirst(vals, "imid")
	if s == "" {
		return "", gwBadPayload("the field 'imid' is required")
	}
	id, err := ident.ParseIMID(s)
	if err != nil {
		return "", gwBadPayload("the field 'imid' is not an SMS user's ID")
	}
	return id, nil
}

func gwRunUnbind(ctx context.Context, gw relay.Gateway, vals map[string][]string) ([]*Element, error) {
	id, err := gwSubmittedIMID(vals)
	if err != nil {
		return nil, err
	}
	if !gwTrue(gwFirst(vals, "confirm")) {
		return []*Element{gwNote(gwNoteWarn, "Not confirmed: nothing changed.")}, nil
	}
	if err := gw.Unbind(ctx, id); err != nil {
		return nil, err
	}
	return []*Element{gwNote(gwNoteInfo, "Unbound "+id.String()+".")}, nil
}

func gwRunSuspend(ctx context.Context, gw relay.Gateway, vals map[string][]string) ([]*Element, error) {
	id, err := gwSubmittedIMID(vals)
	if err != nil {
		return nil, err
	}
	if err := gw.Suspend(ctx, id); err != nil {
		return nil, err
	}
	return []*Element{gwNote(gwNoteInfo, "Suspended "+id.String()+".")}, nil
}

func gwRunResume(ctx context.Context, gw relay.Gateway, vals map[string][]string) ([]*Element, error) {
	id, err := gwSubmittedIMID(vals)
	if err != nil {
		return nil, err
	}
	if err := gw.Resume(ctx, id); err != nil {
		return nil, err
	}
	return []*Element{gwNote(gwNoteInfo, "Resumed "+id.String()+".")}, nil
}

func gwRunStats(ctx context.Context, gw relay.Gateway, _ map[string][]string) ([]*Element, error) {
	counters, err := gw.Counters(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(counters))
	for n := range counters {
		names = append(names, n)
	}
	sort.Strings(names)
	x := gwNewForm(gwFormResult, "Statistics", "")
	for _, n := range names {
		x.Add(gwField(gwFieldNoInput, n, n, false, strconv.FormatInt(counters[n], 10)))
	}
	return []*Element{x}, nil
}
