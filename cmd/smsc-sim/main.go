// Command smsc-sim runs the SMPP 3.4 SMSC simulator of
// internal/smscsim with an HTTP control API, for the sandbox, manual tests
// and load tests of mpimis:
//
//	smsc-sim -listen 127.0.0.1:2775 -http 127.0.0.1:2776 -system-id smsgw -password secret
//
// HTTP control (see newHandler):
//
//	curl -d from=+4915112345678 -d to=12345 -d text='REG alice' http://127.0.0.1:2776/mo
//	curl http://127.0.0.1:2776/mt
//	curl -N http://127.0.0.1:2776/events
//	curl -d throttle=5 -d dlr=undeliv http://127.0.0.1:2776/control
//
// It prints the addresses it listens on and stops cleanly on SIGINT or
// SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mpimis/mpimis/internal/smscsim"
)

// options are the command-line flags.
type options struct {
	listen, http        string
	systemID, password  string
	idFormat, dlrIDFmt  string
	dlrMode, logLevel   string
	dlrDelay, respDelay time.Duration
	enquireLink         time.Duration
	errorRespBody       bool
	phoneDir            string
}

func parseFlags(args []string, errOut io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("smsc-sim", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:2775", "SMPP listen address")
	fs.StringVar(&o.http, "http", "127.0.0.1:2776", `HTTP control listen address ("" disables)`)
	fs.StringVar(&o.systemID, "system-id", "", `system_id binds must carry ("" accepts any)`)
	fs.StringVar(&o.password, "password", "", `password binds must carry ("" accepts any)`)
	fs.StringVar(&o.idFormat, "id-format", "hex", "message id format: hex, decimal or uuid")
	fs.StringVar(&o.dlrIDFmt, "dlr-id-format", "same", "id in receipt texts: same, decimal, hex or hex-upper-zero-padded")
	fs.StringVar(&o.dlrMode, "dlr", "delivrd,text", "receipts: delivrd, undeliv or none; text, tlv or both")
	fs.DurationVar(&o.dlrDelay, "dlr-delay", 500*time.Millisecond, "delay between submit_sm_resp and its receipt")
	fs.DurationVar(&o.respDelay, "resp-delay", 0, "delay of every submit_sm_resp")
	fs.DurationVar(&o.enquireLink, "enquire-link", 30*time.Second, "enquire_link interval (negative: never)")
	fs.BoolVar(&o.errorRespBody, "error-resp-body", false, "give error responses an empty body, as SMPP 3.3/5.0 do")
	fs.StringVar(&o.phoneDir, "phone", "", `directory of the phone simulator page (web/phone/dist), served at /phone/ ("" disables)`)
	fs.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error (debug logs PDUs and numbers)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return o, nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "smsc-sim:", err)
		os.Exit(1)
	}
}

// run starts the simulator and the HTTP API and serves until SIGINT or
// SIGTERM.
func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	sim, err := smscsim.Start(smscsim.Config{
		Addr: o.listen, SystemID: o.systemID, Password: o.password, Logger: log,
		DLRDelay: o.dlrDelay, DLRMode: o.dlrMode, IDFormat: o.idFormat, DLRIDFormat: o.dlrIDFmt,
		EnquireLinkInterval: o.enquireLink, ErrorRespBody: o.errorRespBody,
	})
	if err != nil {
		return err
	}
	defer sim.Close()
	sim.SetRespDelay(o.respDelay)
	fmt.Fprintf(stdout, "smsc-sim: SMPP listening on %s\n", sim.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.http == "" {
		<-ctx.Done()
		log.Info("smsc-sim: shutting down")
		return nil
	}
	ln, err := net.Listen("tcp", o.http)
	if err != nil {
		return fmt.Errorf("-http: %w", err)
	}
	fmt.Fprintf(stdout, "smsc-sim: HTTP control on http://%s\n", ln.Addr())
	handler := newHandler(sim, log)
	if o.phoneDir != "" {
		handler = withPhonePage(handler, o.phoneDir)
		fmt.Fprintf(stdout, "smsc-sim: phone simulator page on http://%s/phone/\n", ln.Addr())
	}
	// Cancelling the base context ends event streams, which would
	// otherwise keep Shutdown waiting.
	baseCtx, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	log.Info("smsc-sim: shutting down")
	cancelBase()
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}
