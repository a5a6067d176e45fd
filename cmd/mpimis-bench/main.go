package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"
)

// options are the command-line settings.
type options struct {
	duration  time.Duration
	drain     time.Duration
	warmup    time.Duration
	rates     []int // 0 means saturation
	phones    int
	clients   int
	window    int
	inFlight  int
	moWorkers int
	dlr       string
	only      string // "", "mt", "mo", "rooms" or "footprint"
	profile   string // CPU profile of the measured phases, "" for none
	kannel    bool   // also measure Debian's Kannel on the SMS leg
	fp        fpOptions
	rooms     roomsOptions
}

func parseFlags(args []string, errOut io.Writer) (options, error) {
	fs := flag.NewFlagSet("mpimis-bench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	var o options
	var rates string
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "how long each phase offers load")
	fs.DurationVar(&o.drain, "drain", 10*time.Second, "how long to wait for stragglers after a phase")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured MT and MO load at 100/s before the phases")
	fs.StringVar(&rates, "rates", "100,1000,max", "offered rates in msgs/s, comma separated; max = saturation")
	fs.IntVar(&o.phones, "phones", 50, "SMS users registered")
	fs.IntVar(&o.clients, "clients", 10, "XMPP client sessions")
	fs.IntVar(&o.window, "window", 100, "SMPP window of mpimis and of the raw session")
	fs.IntVar(&o.inFlight, "inflight", 2000, "saturation: messages outstanding at once")
	fs.IntVar(&o.moWorkers, "mo-workers", 32, "concurrent MO injections (mpimis answers ESME_RMSGQFUL beyond its 32 MO workers)")
	fs.StringVar(&o.dlr, "dlr", "none", "simulator delivery-receipt mode (smscsim SetDLR syntax)")
	fs.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of the measured phases (bench, mpimis and simulator share the process) to this file")
	fs.BoolVar(&o.kannel, "kannel", false, "also run Debian's Kannel (bearerbox + smsbox) against its own simulator")
	fs.StringVar(&o.only, "only", "", "run only the mt or mo phases, the rooms mode (rooms) or the footprint measurement (start-up time, memory)")
	addFootprintFlags(fs, &o.fp)
	o.rooms.flags(fs)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, r := range strings.Split(rates, ",") {
		r = strings.TrimSpace(r)
		if r == "max" {
			o.rates = append(o.rates, 0)
			continue
		}
		n, err := strconv.Atoi(r)
		if err != nil || n <= 0 {
			return o, fmt.Errorf("bench: bad rate %q", r)
		}
		o.rates = append(o.rates, n)
	}
	if o.phones < 1 || o.clients < 1 || o.window < 1 || o.inFlight < 1 || o.moWorkers < 1 {
		return o, errors.New("bench: -phones, -clients, -window, -inflight and -mo-workers must be positive")
	}
	switch o.only {
	case "", "mt", "mo", "rooms", "footprint":
	default:
		return o, fmt.Errorf("bench: -only must be mt, mo, rooms or footprint, got %q", o.only)
	}
	if err := o.fp.check(); err != nil {
		return o, err
	}
	if err := o.rooms.check(); err != nil {
		return o, err
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	switch o.only {
	case "footprint":
		err = runFootprint(ctx, o.fp, log, os.Stdout)
	case "rooms":
		err = runRooms(ctx, o, log, os.Stdout)
	default:
		err = run(ctx, o, log, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// rateName is how an offered rate is shown.
func rateName(r int) string {
	if r == 0 {
		return "max"
	}
	return strconv.Itoa(r)
}
