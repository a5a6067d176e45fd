// Command mpimis is the mobile-phone / instant-messenger inter-working
// server: an XMPP component (XEP-0114) and an SMPP ESME in one process.
//
//	mpimis run -config FILE      run in the foreground, logs to stderr
//	mpimis check -config FILE    validate the configuration
//	mpimis doctor -config FILE   check the configuration, the XMPP server,
//	                             the SMSC and the store, explaining failures
//	mpimis room -config FILE URL print the room JID for a page URL
//	mpimis bindings list|find|unbind -config FILE ...
//	                             administer bindings in the store
//	mpimis stats -config FILE    bindings, queues and relay counters
//	mpimis version               print the version
//
// Phone numbers are printed masked unless -show-numbers is given.
//
// This is the only package that exits the process.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/app"
)

// version is set at build time with -ldflags "-X main.version=..."; a
// go-installed binary reports its module version instead.
var version = ""

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: mpimis <command> [flags]

commands:
  run -config FILE       run mpimis in the foreground (logs to stderr)
  check -config FILE     validate the configuration file
  doctor -config FILE    check config, XMPP port and handshakes, SMPP bind and
                         store, one line each, explaining what is wrong
  room -config FILE [-occupants] URL
                         print the room JID for a page URL (-occupants: and
                         its live occupant count, from the running instance)
  bindings list -config FILE [-after IMID] [-limit N] [-show-numbers] [-json]
  bindings find -config FILE [-show-numbers] [-json] <imid|@nick|+number>
  bindings unbind -config FILE <imid>
                         list, find or retire bindings (numbers are masked
                         unless -show-numbers is given)
  stats -config FILE [-json]
                         bindings by state, MT/MO queues, relay counters
  version                print the version
`

// run executes one command and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return cmdRun(ctx, rest, stderr)
	case "check":
		return cmdCheck(rest, stdout, stderr)
	case "room":
		return cmdRoom(rest, stdout, stderr)
	case "doctor":
		return cmdDoctor(ctx, rest, stdout, stderr)
	case "bindings":
		return cmdBindings(ctx, rest, stdout, stderr)
	case "stats":
		return cmdStats(ctx, rest, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintf(stdout, "mpimis %s\n", versionString())
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "mpimis: unknown command %q\n%s", cmd, usage)
	return 2
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// flags parses the -config flag and returns the positional arguments.
func flags(name string, args []string, stderr io.Writer) (cfgPath string, pos []string, ok bool) {
	fs := flag.NewFlagSet("mpimis "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfgPath, "config", "mpimis.toml", "configuration file")
	if err := fs.Parse(args); err != nil {
		return "", nil, false
	}
	return cfgPath, fs.Args(), true
}

// load reads the configuration and prints every problem, one per line.
func load(path string, stderr io.Writer) (*conf.Config, bool) {
	cfg, err := conf.Load(path)
	if err != nil {
		printErrors(stderr, err)
		return nil, false
	}
	return cfg, true
}

func printErrors(w io.Writer, err error) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			printErrors(w, e)
		}
		return
	}
	fmt.Fprintln(w, err)
}

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	path, _, ok := flags("check", args, stderr)
	if !ok {
		return 2
	}
	cfg, ok := load(path, stderr)
	if !ok {
		return 1
	}
	rooms := cfg.XMPP.RoomsDomain
	if rooms == "" {
		rooms = "(disabled)"
	}
	fmt.Fprintf(stdout, "%s: OK (gateway %s, rooms %s, XMPP server %s, SMSC %s, store %s)\n",
		path, cfg.XMPP.GatewayDomain, rooms, cfg.XMPP.Server, cfg.SMPP.Addr, cfg.Store.Path)
	return 0
}

func cmdRun(ctx context.Context, args []string, stderr io.Writer) int {
	path, _, ok := flags("run", args, stderr)
	if !ok {
		return 2
	}
	cfg, ok := load(path, stderr)
	if !ok {
		return 1
	}
	log, err := app.NewLogger(cfg.Log, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, log, versionString())
	if err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	if err := a.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("stopped with an error", "err", err)
		return 1
	}
	return 0
}
