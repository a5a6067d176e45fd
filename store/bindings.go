package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

const bindingColumns = "imid, phone, nick, state, created_at, updated_at"

// CreateBinding stores a new binding. b.IMID must be a non-empty string of
// digits and b.Phone non-empty; b.Nick is stored lowercase (empty for none);
// an empty b.State means [StateActive], and [StateRetired] is refused. Zero
// CreatedAt/UpdatedAt are set to now. On success b holds what was stored.
//
// It fails with [ErrPhoneBound] if the phone already has a binding,
// [ErrIMIDTaken] if the imid exists (even retired), [ErrNickTaken] if the nick
// is used, and [ErrInvalid] for a malformed argument. When several of these
// hold at once, the phone is reported first, then the imid, then the nick.
func (s *Store) CreateBinding(ctx context.Context, b *Binding) error {
	return s.createBinding(ctx, b, nil)
}

// createBinding is CreateBinding; then, if not nil, runs in the same
// transaction after the insert.
func (s *Store) createBinding(ctx context.Context, b *Binding, then func(*Tx) error) error {
	if !validIMID(b.IMID) {
		return fmt.Errorf("%w: imid must be a non-empty string of digits", ErrInvalid)
	}
	if b.Phone == "" {
		return fmt.Errorf("%w: empty phone number", ErrInvalid)
	}
	st := b.State
	if st == "" {
		st = StateActive
	}
	if st != StateActive && st != StateOptOut {
		return fmt.Errorf("%w: a binding cannot be created in state %q", ErrInvalid, st)
	}
	nick := strings.ToLower(b.Nick)
	created, updated := b.CreatedAt, b.UpdatedAt
	if created.IsZero() {
		created = s.now()
	}
	if updated.IsZero() {
		updated = created
	}

	err := s.WriteTx(ctx, func(tx *Tx) error {
		// Check phone and imid first so that the answer does not depend on
		// the order in which SQLite happens to test its unique indexes.
		for _, c := range []struct {
			query string
			arg   string
			err   error
		}{
			{"SELECT 1 FROM bindings WHERE phone = ?", b.Phone, ErrPhoneBound},
			{"SELECT 1 FROM bindings WHERE imid = ?", b.IMID, ErrIMIDTaken},
		} {
			var one int
			switch err := tx.QueryRowContext(ctx, c.query, c.arg).Scan(&one); {
			case err == nil:
				return c.err
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("store: create binding: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx,
			"INSERT INTO bindings ("+bindingColumns+") VALUES (?, ?, ?, ?, ?, ?)",
			b.IMID, b.Phone, nullString(nick), string(st), created.UnixMilli(), updated.UnixMilli())
		if err != nil {
			if mapped := mapConstraint(err); mapped != nil {
				return mapped
			}
			return fmt.Errorf("store: create binding: %w", err)
		}
		if then != nil {
			return then(tx)
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.Nick, b.State = nick, st
	b.CreatedAt, b.UpdatedAt = fromMillis(created.UnixMilli()), fromMillis(updated.UnixMilli())
	return nil
}

// GetBindingByPhone returns the live (active or opted-out) binding of phone,
// or [ErrNotFound].
func (s *Store) GetBindingByPhone(ctx context.Context, phone string) (*Binding, error) {
	if phone == "" {
		return nil, ErrNotFound
	}
	return s.getBinding(ctx, "phone = ?", phone)
}

// GetBindingByIMID returns the live binding with this imid, or [ErrNotFound]
// if it is unknown or retired (use [Store.IMIDExists] to include retired
// ones).
func (s *Store) GetBindingByIMID(ctx context.Context, imid string) (*Binding, error) {
	return s.getBinding(ctx, "imid = ? AND state <> 'retired'", imid)
}

// GetBindingByNick returns the binding using nick, compared
// case-insensitively, or [ErrNotFound].
func (s *Store) GetBindingByNick(ctx context.Context, nick string) (*Binding, error) {
	if nick == "" {
		return nil, ErrNotFound
	}
	return s.getBinding(ctx, "nick = ?", strings.ToLower(nick))
}

// getBinding reads one binding from the read pool; where is a fixed SQL
// condition with one parameter.
func (s *Store) getBinding(ctx context.Context, where, arg string) (*Binding, error) {
	row := s.read.QueryRowContext(ctx, "SELECT "+bindingColumns+" FROM bindings WHERE "+where, arg)
	b, err := scanBinding(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: get binding: %w", err)
	}
	return b, nil
}

// SetNick sets the nick of a live binding (stored lowercase); "" clears it.
// It fails with [ErrNickTaken] if another binding uses the nick and with
// [ErrNotFound] if the imid is unknown or retired.
func (s *Store) SetNick(ctx context.Context, imid, nick string) error {
	nick = strings.ToLower(nick)
	return s.updateLive(ctx, "set nick", "nick = ?", nullString(nick), imid)
}

// SetBindingState moves a live binding between [StateActive] and
// [StateOptOut]; setting the current state again is not an error. Any other
// state is refused with [ErrInvalid] (use [Store.RetireBinding] to retire).
// It fails with [ErrNotFound] if the imid is unknown or retired.
func (s *Store) SetBindingState(ctx context.Context, imid string, st BindingState) error {
	if st != StateActive && st != StateOptOut {
		return fmt.Errorf("%w: state %q cannot be set", ErrInvalid, st)
	}
	return s.updateLive(ctx, "set state", "state = ?", string(st), imid)
}

// RetireBinding retires a live binding (UNREG): phone and nick are cleared,
// the state becomes [StateRetired], and the imid stays reserved forever. It
// fails with [ErrNotFound] if the imid is unknown or already retired.
func (s *Store) RetireBinding(ctx context.Context, imid string) error {
	return s.updateLive(ctx, "retire binding", "phone = NULL, nick = NULL, state = ?", string(StateRetired), imid)
}

// updateLive applies "UPDATE bindings SET <set>, updated_at = now" to the
// live binding imid; set is fixed SQL with one parameter, arg.
func (s *Store) updateLive(ctx context.Context, op, set string, arg any, imid string) error {
	return s.WriteTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx,
			"UPDATE bindings SET "+set+", updated_at = ? WHERE imid = ? AND state <> 'retired'",
			arg, s.now().UnixMilli(), imid)
		if err != nil {
			if mapped := mapConstraint(err); mapped != nil {
				return mapped
			}
			return fmt.Errorf("store: %s: %w", op, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: %s: %w", op, err)
		}
		if n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// IMIDExists reports whether imid has ever been issued, retired bindings
// included; imid generation must check it so that an imid is never reused.
func (s *Store) IMIDExists(ctx context.Context, imid string) (bool, error) {
	var exists bool
	err := s.read.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM bindings WHERE imid = ?)", imid).Scan(&exists)
	if err != nil {
		return false, fmt.Errorf("store: imid exists: %w", err)
	}
	return exists, nil
}

// CountBindings returns the number of bindings in each state. All three
// states are present in the map, with 0 where there are none.
func (s *Store) CountBindings(ctx context.Context) (map[BindingState]int, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT state, count(*) FROM bindings GROUP BY state")
	if err != nil {
		return nil, fmt.Errorf("store: count bindings: %w", err)
	}
	defer rows.Close()
	counts := map[BindingState]int{StateActive: 0, StateOptOut: 0, StateRetired: 0}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count bindings: %w", err)
		}
		counts[BindingState(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count bindings: %w", err)
	}
	return counts, nil
}

// ListBindings returns up to limit live (active or opted-out) bindings whose
// imid sorts after afterIMID, in imid order (byte-wise, as SQLite compares
// text). Pass "" for the first page and the last imid of a page for the
// next; a page shorter than limit is the last. limit must be positive.
func (s *Store) ListBindings(ctx context.Context, afterIMID string, limit int) ([]Binding, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("%w: limit must be positive", ErrInvalid)
	}
	rows, err := s.read.QueryContext(ctx,
		"SELECT "+bindingColumns+" FROM bindings WHERE imid > ? AND state <> 'retired' ORDER BY imid LIMIT ?",
		afterIMID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list bindings: %w", err)
	}
	defer rows.Close()
	var list []Binding
	for rows.Next() {
		b, err := scanBinding(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list bindings: %w", err)
		}
		list = append(list, *b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list bindings: %w", err)
	}
	return list, nil
}

// scanner is satisfied by *sql.Row and *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// scanBinding reads the bindingColumns of one row.
func scanBinding(sc scanner) (*Binding, error) {
	var (
		b                Binding
		phone, nick      sql.NullString
		state            string
		created, updated int64
	)
	if err := sc.Scan(&b.IMID, &phone, &nick, &state, &created, &updated); err != nil {
		return nil, err
	}
	b.Phone, b.Nick, b.State = phone.String, nick.String, BindingState(state)
	b.CreatedAt, b.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &b, nil
}

// validIMID reports whether imid is a non-empty string of ASCII digits.
func validIMID(imid string) bool {
	if imid == "" {
		return false
	}
	for i := 0; i < len(imid); i++ {
		if imid[i] < '0' || imid[i] > '9' {
			return false
		}
	}
	return true
}

// nullString maps "" to SQL NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// fromMillis converts a stored Unix-millisecond time to a UTC time.Time.
func fromMillis(ms int64) time.Time {
	return time.UnixMilli(ms).UTC()
}
