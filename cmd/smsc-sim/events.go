package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/mpimis/mpimis/internal/smscsim"
)

// events streams submits as Server-Sent Events. Each part is an event
// "part" with id = its index + 1; the part that completes a message is
// followed by an event "message". The stream starts with submits arriving
// after the request, or after Last-Event-ID, or at ?from=N.
func (h *handler) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		h.writeErr(w, errors.New("streaming unsupported"))
		return
	}
	from := h.s.SubmittedCount()
	for _, v := range []string{r.Header.Get("Last-Event-ID"), r.URL.Query().Get("from")} {
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			h.writeErr(w, badRequest("bad event id %q", v))
			return
		}
		from = n
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, ": smsc-sim events\n\n")
	fl.Flush()
	for {
		ctx, cancel := context.WithTimeout(r.Context(), ssePing)
		recs, next, err := h.s.WaitSubmittedAfter(ctx, from)
		cancel()
		switch {
		case r.Context().Err() != nil || errors.Is(err, smscsim.ErrClosed):
			return
		case errors.Is(err, context.DeadlineExceeded):
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil {
				return
			}
			fl.Flush()
			continue
		case err != nil:
			return
		}
		first := next - len(recs)
		for i, rec := range recs {
			if err := writeEvent(w, first+i+1, "part", toPartJSON(rec)); err != nil {
				return
			}
			if rec.Completes != nil {
				if err := writeEvent(w, 0, "message", toMessageJSON(*rec.Completes)); err != nil {
					return
				}
			}
		}
		fl.Flush()
		from = next
	}
}

// writeEvent writes one SSE event; id 0 writes none.
func writeEvent(w io.Writer, id int, event string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if id > 0 {
		if _, err := fmt.Fprintf(w, "id: %d\n", id); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
	return err
}
