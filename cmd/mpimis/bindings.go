package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

const bindingsUsage = `usage: mpimis bindings <list|find|unbind> -config FILE [flags]

  list   -config FILE [-after IMID] [-limit N] [-show-numbers] [-json]
         live bindings in imid order, a page at a time (-limit 0: all)
  find   -config FILE [-show-numbers] [-json] <imid|@nick|nick|imid@domain|+number>
         one binding; a +number is looked up but printed masked
  unbind -config FILE <imid>
         retire a binding as UNREG does (the imid is never reused)

Phone numbers are masked unless -show-numbers is given.
`

// unregistrationsCounter is the relay counter an unbind adds to, the same
// one the relay's UNREG and admin unbind count in.
const unregistrationsCounter = "unregistrations"

// cmdBindings runs "mpimis bindings <sub>".
func cmdBindings(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, bindingsUsage)
		return 2
	}
	switch args[0] {
	case "list":
		return bindingsList(ctx, args[1:], stdout, stderr)
	case "find":
		return bindingsFind(ctx, args[1:], stdout, stderr)
	case "unbind":
		return bindingsUnbind(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, bindingsUsage)
		return 0
	}
	fmt.Fprintf(stderr, "mpimis: unknown bindings command %q\n%s", args[0], bindingsUsage)
	return 2
}

// storeCommand loads the configuration and opens the existing store, then
// runs fn; it prints failures and returns the exit code.
func storeCommand(ctx context.Context, cfgPath string, stderr io.Writer,
	fn func(*conf.Config, *store.Store) int) int {
	cfg, ok := loadForStore(cfgPath, stderr)
	if !ok {
		return 1
	}
	st, err := openExistingStore(ctx, cfg.Store.Path)
	if err != nil {
		fmt.Fprintf(stderr, "mpimis: %v\n", err)
		return 1
	}
	code := fn(cfg, st)
	if err := st.Close(); err != nil {
		fmt.Fprintf(stderr, "mpimis: note: closing the store: %v\n", err)
	}
	return code
}

// bindingView is a binding as the admin commands print it.
type bindingView struct {
	IMID       string    `json:"imid"`
	JID        string    `json:"jid"`
	Nick       string    `json:"nick,omitempty"`
	State      string    `json:"state"`
	Suspended  bool      `json:"suspended,omitempty"`
	Phone      string    `json:"phone"`
	Buddies    *int      `json:"buddies,omitempty"`
	Subscribed *int      `json:"subscribers,omitempty"`
	Blocks     *int      `json:"blocks,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func viewOf(b store.Binding, domain string, showNumbers bool) bindingView {
	return bindingView{
		IMID: b.IMID, JID: b.IMID + "@" + domain, Nick: b.Nick, State: string(b.State),
		Phone: phoneText(b.Phone, showNumbers), CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
	}
}

// phoneText is the number as the CLI shows it: masked by ident.Phone
// unless show is set. A stored value that does not parse is hidden whole.
func phoneText(raw string, show bool) string {
	switch {
	case raw == "":
		return "-"
	case show:
		return raw
	}
	p, err := ident.ParsePhone(raw, "")
	if err != nil {
		return "(hidden)"
	}
	return p.String()
}

func bindingsList(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("bindings list", "mpimis bindings list -config FILE [-after IMID] [-limit N] [-show-numbers] [-json]", stderr)
	after := fs.String("after", "", "list the bindings whose imid sorts after this one (the last of the previous page)")
	limit := fs.Int("limit", 100, "page size; 0 lists every binding")
	show := fs.Bool("show-numbers", false, "print phone numbers in full (they are masked otherwise)")
	asJSON := fs.Bool("json", false, "print a JSON array")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 0 || *limit < 0 {
		fs.Usage()
		return 2
	}
	return storeCommand(ctx, *cfgPath, stderr, func(cfg *conf.Config, st *store.Store) int {
		var list []store.Binding
		page, cursor := *limit, *after
		if page == 0 {
			page = 1000
		}
		for {
			got, err := st.ListBindings(ctx, cursor, page)
			if err != nil {
				fmt.Fprintf(stderr, "mpimis: %v\n", err)
				return 1
			}
			list = append(list, got...)
			if *limit != 0 || len(got) < page {
				break
			}
			cursor = got[len(got)-1].IMID
		}
		views := make([]bindingView, len(list))
		for i, b := range list {
			views[i] = viewOf(b, cfg.XMPP.GatewayDomain, *show)
		}
		if *limit != 0 && len(list) == *limit {
			defer fmt.Fprintf(stderr, "more: mpimis bindings list -config %s -after %s -limit %d\n", *cfgPath, list[len(list)-1].IMID, *limit)
		}
		if *asJSON {
			return printJSON(stdout, stderr, views)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "IMID\tNICK\tSTATE\tPHONE\tCREATED (UTC)")
		for _, v := range views {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.IMID, dash(v.Nick), v.State, v.Phone, v.CreatedAt.Format(time.DateTime))
		}
		_ = tw.Flush()
		return 0
	})
}

func bindingsFind(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("bindings find", "mpimis bindings find -config FILE [-show-numbers] [-json] <imid|@nick|imid@domain|+number>", stderr)
	show := fs.Bool("show-numbers", false, "print the phone number in full (it is masked otherwise)")
	asJSON := fs.Bool("json", false, "print a JSON object")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	return storeCommand(ctx, *cfgPath, stderr, func(cfg *conf.Config, st *store.Store) int {
		q, err := parseQuery(pos[0], cfg.XMPP.GatewayDomain)
		if err != nil {
			fmt.Fprintf(stderr, "mpimis: %v\n", err)
			return 2
		}
		b, err := q.lookup(ctx, st)
		if errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(stderr, "mpimis: no live binding for %s\n", q.describe(*show))
			return 1
		}
		if err != nil {
			fmt.Fprintf(stderr, "mpimis: %v\n", err)
			return 1
		}
		v, err := details(ctx, st, *b, cfg.XMPP.GatewayDomain, *show)
		if err != nil {
			fmt.Fprintf(stderr, "mpimis: %v\n", err)
			return 1
		}
		if *asJSON {
			return printJSON(stdout, stderr, v)
		}
		state := v.State
		if v.Suspended {
			state += " (suspended)"
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, row := range [][2]string{
			{"imid", v.IMID}, {"jid", v.JID}, {"nick", dash(v.Nick)}, {"state", state}, {"phone", v.Phone},
			{"buddies", fmt.Sprintf("%d listed, %d subscribed to its presence", *v.Buddies, *v.Subscribed)},
			{"blocks", fmt.Sprint(*v.Blocks)},
			{"created", v.CreatedAt.Format(time.DateTime + " MST")}, {"updated", v.UpdatedAt.Format(time.DateTime + " MST")},
		} {
			fmt.Fprintf(tw, "%s\t%s\n", row[0], row[1])
		}
		_ = tw.Flush()
		return 0
	})
}

// details adds suspension, buddy and block counts to a binding's view.
func details(ctx context.Context, st *store.Store, b store.Binding, domain string, show bool) (bindingView, error) {
	v := viewOf(b, domain, show)
	var err error
	if v.Suspended, err = st.IsSuspended(ctx, b.IMID); err != nil {
		return v, err
	}
	listed, subs, err := st.CountBuddies(ctx, b.IMID)
	if err != nil {
		return v, err
	}
	blocks, err := st.CountBlocks(ctx, b.IMID)
	if err != nil {
		return v, err
	}
	v.Buddies, v.Subscribed, v.Blocks = &listed, &subs, &blocks
	return v, nil
}

func bindingsUnbind(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("bindings unbind", "mpimis bindings unbind -config FILE <imid>", stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	return storeCommand(ctx, *cfgPath, stderr, func(cfg *conf.Config, st *store.Store) int {
		q, err := parseQuery(pos[0], cfg.XMPP.GatewayDomain)
		if err == nil && q.kind != byIMID {
			err = fmt.Errorf("unbind takes an imid (or its JID), not %s: find it with mpimis bindings find", q.describe(false))
		}
		if err != nil {
			fmt.Fprintf(stderr, "mpimis: %v\n", err)
			return 2
		}
		if err := st.UnbindAll(ctx, q.value); errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(stderr, "mpimis: no live binding for %s (unknown or already retired)\n", q.value)
			return 1
		} else if err != nil {
			fmt.Fprintf(stderr, "mpimis: %v\n", err)
			return 1
		}
		if err := st.AddCounter(ctx, unregistrationsCounter, 1); err != nil {
			fmt.Fprintf(stderr, "mpimis: note: the binding is retired, but the unregistrations counter was not updated: %v\n", err)
		}
		fmt.Fprintf(stdout, "retired %s@%s: its phone number, nick, buddies and blocks are gone; the imid is never reused\n",
			q.value, cfg.XMPP.GatewayDomain)
		fmt.Fprintln(stderr, "note: its XMPP contacts were not sent unavailable presence; the XEP-0050 unbind command does that while mpimis runs")
		return 0
	})
}

func printJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "mpimis: %v\n", err)
		return 1
	}
	return 0
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
