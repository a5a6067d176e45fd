package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/smsbridge"
)

// Check outcomes as doctor prints them.
const (
	statusOK   = "ok"
	statusFail = "FAIL"
	statusSkip = "skip"
)

// doctor runs the checks of "mpimis doctor" in order and prints one line
// per check.
type doctor struct {
	out     io.Writer
	timeout time.Duration
	failed  int
	skipped int
}

// report prints one check's outcome; detail may span lines (continuation
// lines are indented).
func (d *doctor) report(status, name, detail string) {
	switch status {
	case statusFail:
		d.failed++
	case statusSkip:
		d.skipped++
	}
	detail = strings.ReplaceAll(detail, "\n", "\n      ")
	fmt.Fprintf(d.out, "%-4s  %s: %s\n", status, name, detail)
}

// result reports err as FAIL (its package prefix removed, so the sentence
// reads plainly) or ok with okText.
func (d *doctor) result(name string, err error, okText string) bool {
	if err != nil {
		d.report(statusFail, name, plain(err))
		return false
	}
	d.report(statusOK, name, okText)
	return true
}

// plain is err's message without the "component: " or "smsbridge: "
// prefix of the package that produced it.
func plain(err error) string {
	msg := err.Error()
	for _, p := range []string{"component: ", "smsbridge: ", "store: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

func cmdDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("doctor", "mpimis doctor -config FILE [-timeout 5s]", stderr)
	timeout := fs.Duration("timeout", 5*time.Second, "deadline of each network check")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 0 || *timeout <= 0 {
		fs.Usage()
		return 2
	}
	d := &doctor{out: stdout, timeout: *timeout}
	d.run(ctx, *cfgPath)
	switch {
	case d.failed == 0 && d.skipped == 0:
		fmt.Fprintln(stdout, "all checks passed")
		return 0
	case d.failed == 1:
		fmt.Fprintln(stdout, "1 check failed")
	default:
		fmt.Fprintf(stdout, "%d checks failed\n", d.failed)
	}
	return 1
}

// run performs every check in order: configuration, component port,
// handshake per domain, SMPP bind, store. A check that needs an earlier
// one which failed is skipped, saying why.
func (d *doctor) run(ctx context.Context, cfgPath string) {
	cfg, err := conf.Load(cfgPath)
	domains := []string{}
	if cfg != nil {
		domains = append(domains, cfg.XMPP.GatewayDomain)
		if cfg.XMPP.RoomsDomain != "" {
			domains = append(domains, cfg.XMPP.RoomsDomain)
		}
	}
	if err != nil {
		var b strings.Builder
		fmt.Fprintf(&b, "%s is not usable; mpimis check lists the same problems", cfgPath)
		for _, line := range errorLines(err) {
			b.WriteString("\n" + line)
		}
		d.report(statusFail, "config", b.String())
		for _, name := range []string{"XMPP component port", "XMPP handshake", "SMPP bind", "store"} {
			d.report(statusSkip, name, "needs a valid configuration")
		}
		return
	}
	rooms := cfg.XMPP.RoomsDomain
	if rooms == "" {
		rooms = "disabled"
	}
	d.report(statusOK, "config", fmt.Sprintf("%s is valid (gateway %s, rooms %s)", cfgPath, cfg.XMPP.GatewayDomain, rooms))

	portOK := d.result("XMPP component port", d.dial(ctx, cfg.XMPP.Server),
		cfg.XMPP.Server+" accepts connections")
	for _, dom := range domains {
		name := "XMPP handshake " + dom
		if !portOK {
			d.report(statusSkip, name, "needs the component port")
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, d.timeout)
		err := component.CheckHandshake(cctx, cfg.XMPP.Server, dom, cfg.XMPP.Secret)
		cancel()
		d.result(name, err, "the server accepted the secret for "+dom)
	}

	d.result("SMPP bind", d.bind(ctx, cfg.SMPP),
		fmt.Sprintf("the SMSC at %s accepted the bind of system_id %q (then unbound)", cfg.SMPP.Addr, cfg.SMPP.SystemID))

	status, detail := checkStore(ctx, cfg.Store.Path)
	d.report(status, "store", detail)
}

// dial checks that something accepts TCP connections on the component
// port.
func (d *doctor) dial(ctx context.Context, addr string) error {
	dialer := net.Dialer{Timeout: d.timeout}
	c, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return component.DialError(addr, err)
	}
	return c.Close()
}

// bind performs a short-lived SMPP bind with the configured credentials.
func (d *doctor) bind(ctx context.Context, c conf.SMPP) error {
	rt := c.ResponseTimeout.Duration
	if rt <= 0 || rt > d.timeout {
		rt = d.timeout
	}
	cctx, cancel := context.WithTimeout(ctx, 2*d.timeout)
	defer cancel()
	return smsbridge.CheckBind(cctx, smsbridge.SessionConfig{
		Addr:            c.Addr,
		SystemID:        c.SystemID,
		Password:        c.Password,
		SystemType:      c.SystemType,
		BindTON:         byte(c.BindTON),
		BindNPI:         byte(c.BindNPI),
		ResponseTimeout: rt,
		WriteTimeout:    rt,
	})
}

// errorLines flattens joined errors into one message per line.
func errorLines(err error) []string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var lines []string
		for _, e := range j.Unwrap() {
			lines = append(lines, errorLines(e)...)
		}
		return lines
	}
	return []string{err.Error()}
}
