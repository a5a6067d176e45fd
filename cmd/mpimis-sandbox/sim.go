package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// simProc is the SMSC simulator running as a child process.
type simProc struct {
	cmd     *exec.Cmd
	exited  chan error
	smpp    string
	http    string
	logPath string
}

// startSim runs the simulator; phoneDist, if not "", is the built phone
// page, which the simulator serves at /phone/.
func startSim(ctx context.Context, bin, dir, phoneDist string) (*simProc, error) {
	s := &simProc{
		smpp:    fmt.Sprintf("127.0.0.1:%d", port(2775)),
		http:    fmt.Sprintf("127.0.0.1:%d", port(2776)),
		logPath: filepath.Join(dir, "smsc-sim.log"),
		exited:  make(chan error, 1),
	}
	logf, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	args := []string{"-listen", s.smpp, "-http", s.http, "-system-id", "smsgw", "-password", "secret"}
	if phoneDist != "" {
		args = append(args, "-phone", phoneDist)
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() { s.exited <- s.cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get("http://" + s.http + "/stats")
		if err == nil {
			resp.Body.Close()
			return s, nil
		}
		select {
		case err := <-s.exited:
			return nil, fmt.Errorf("smsc-sim exited: %v (log: %s)", err, s.logPath)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("smsc-sim never answered on its control port")
		}
	}
}

func (s *simProc) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// verify texts HELP from a simulated phone and waits for mpimis' answer.
func (s *simProc) verify(ctx context.Context) error {
	const from = "+4915100000001"
	vctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		resp, err := http.PostForm("http://"+s.http+"/mo", url.Values{"from": {from}, "to": {"12345"}, "text": {"HELP"}})
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		// 503 until mpimis has bound to the simulator.
		select {
		case <-vctx.Done():
			return errors.New("mpimis never bound to the SMSC simulator")
		case <-time.After(100 * time.Millisecond):
		}
	}
	for {
		resp, err := http.Get("http://" + s.http + "/mt")
		if err == nil {
			var mt struct {
				Messages []struct {
					To   string `json:"to"`
					Text string `json:"text"`
				} `json:"messages"`
			}
			err = json.NewDecoder(resp.Body).Decode(&mt)
			resp.Body.Close()
			for _, m := range mt.Messages {
				if m.To == strings.TrimPrefix(from, "+") && strings.Contains(m.Text, "REG") {
					return nil
				}
			}
		}
		select {
		case <-vctx.Done():
			return fmt.Errorf("no answer to HELP from mpimis (last error: %v)", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitHealthy waits until mpimis' /healthz answers 200 (both XMPP links
// and the SMPP bind up).
func waitHealthy(ctx context.Context, addr string) error {
	vctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	last := "no answer"
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		}
		select {
		case <-vctx.Done():
			return fmt.Errorf("mpimis /healthz never reported healthy (last: %s)", last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
