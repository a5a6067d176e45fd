package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/mpimis/mpimis/internal/smscsim"
)

// controlValues reads POST /control parameters, JSON (an object of strings
// or numbers) or form encoded.
func controlValues(r *http.Request) (map[string]string, error) {
	vals := map[string]string{}
	if isJSON(r) {
		var raw map[string]any
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
			return nil, badRequest("bad JSON: %v", err)
		}
		for k, v := range raw {
			switch v := v.(type) {
			case bool:
				vals[k] = map[bool]string{true: "1", false: "0"}[v]
			default:
				vals[k] = fmt.Sprint(v)
			}
		}
		return vals, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, badRequest("bad form: %v", err)
	}
	for k := range r.Form {
		vals[k] = r.Form.Get(k)
	}
	return vals, nil
}

func (h *handler) control(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	vals, err := controlValues(r)
	if err != nil {
		h.writeErr(w, err)
		return
	}
	if err := applyControl(h.s, vals); err != nil {
		h.writeErr(w, err)
		return
	}
	h.stats(w, r)
}

// applyControl validates every parameter first, then applies them, so a
// bad request changes nothing.
func applyControl(s *smscsim.Server, vals map[string]string) error {
	known := map[string]bool{"throttle": true, "status": true, "count": true, "drop": true, "delay": true,
		"dlr": true, "disconnect": true, "unbind": true}
	for k := range vals {
		if !known[k] {
			return badRequest("unknown parameter %q", k)
		}
	}
	intOf := func(k string) (int, bool, error) {
		v, ok := vals[k]
		if !ok {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, false, badRequest("%s: %q is not an integer", k, v)
		}
		return n, true, nil
	}
	throttle, setThrottle, err := intOf("throttle")
	if err != nil {
		return err
	}
	drop, setDrop, err := intOf("drop")
	if err != nil {
		return err
	}
	count, setCount, err := intOf("count")
	if err != nil {
		return err
	}
	var status uint64
	if v, ok := vals["status"]; ok {
		if status, err = strconv.ParseUint(v, 0, 32); err != nil {
			return badRequest("status: %q is not a command_status", v)
		}
		if !setCount {
			count = 1
		}
	} else if setCount {
		return badRequest("count needs status")
	}
	var delay time.Duration
	if v, ok := vals["delay"]; ok {
		if delay, err = time.ParseDuration(v); err != nil {
			return badRequest("delay: %v", err)
		}
	}
	if v, ok := vals["dlr"]; ok {
		if err := s.SetDLR(v); err != nil {
			return badRequest("dlr: %v", err)
		}
	}
	if setThrottle {
		s.SetThrottle(throttle)
	}
	if setDrop {
		s.DropResponses(drop)
	}
	if _, ok := vals["status"]; ok {
		s.SetSubmitStatus(uint32(status), count)
	}
	if _, ok := vals["delay"]; ok {
		s.SetRespDelay(delay)
	}
	if truthy(vals["unbind"]) {
		s.Unbind()
	}
	if truthy(vals["disconnect"]) {
		s.DisconnectAll()
	}
	return nil
}

func truthy(v string) bool {
	b, err := strconv.ParseBool(v)
	return err == nil && b
}
