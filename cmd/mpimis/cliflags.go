package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/BurntSushi/toml"

	"github.com/mpimis/mpimis/conf"
)

// newFlagSet returns a flag set for "mpimis <name>" with the -config flag
// every subcommand takes; usage is printed on -h and on a bad flag.
func newFlagSet(name, usage string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("mpimis "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n", usage)
		fs.PrintDefaults()
	}
	cfg := fs.String("config", "mpimis.toml", "configuration file")
	return fs, cfg
}

// parseInterspersed parses args with fs, allowing flags before, between
// and after the positional arguments ("find 4567 -config F" as well as
// "find -config F 4567"), and returns the positional arguments in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// loadForStore reads the configuration for the commands that only use the
// store (bindings, stats). Missing secrets are no obstacle there: they are
// often kept in the service's environment file, not in the shell of the
// operator. Every other problem is printed, as by `mpimis check`.
func loadForStore(path string, stderr io.Writer) (*conf.Config, bool) {
	cfg, err := conf.Load(path)
	if err == nil {
		return cfg, true
	}
	if !onlyMissingSecrets(err) {
		printErrors(stderr, err)
		return nil, false
	}
	data, rerr := os.ReadFile(path)
	if rerr != nil {
		printErrors(stderr, err)
		return nil, false
	}
	// The file passed every other check, so it decodes cleanly.
	cfg = conf.Defaults()
	if _, derr := toml.Decode(string(data), cfg); derr != nil {
		printErrors(stderr, err)
		return nil, false
	}
	return cfg, true
}

// onlyMissingSecrets reports whether every problem in err is an empty
// xmpp.secret or smpp.password.
func onlyMissingSecrets(err error) bool {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var ke *conf.KeyError
		if !errors.As(e, &ke) || (ke.Key != "xmpp.secret" && ke.Key != "smpp.password") {
			return false
		}
	}
	return len(errs) > 0
}
