package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

const (
	// metaSalt is the meta key of the statistics salt.
	metaSalt = "stats_salt"
	// SaltSize is the length in bytes of the salt returned by [Store.Salt].
	SaltSize = 32
)

// Salt returns this instance's random salt for hashing identifiers in
// statistics. The first call creates SaltSize random bytes and stores them;
// every later call, in this process or after a restart, returns the same
// bytes. Concurrent first calls agree on one salt.
func (s *Store) Salt(ctx context.Context) ([]byte, error) {
	var salt []byte
	err := s.read.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", metaSalt).Scan(&salt)
	if errors.Is(err, sql.ErrNoRows) {
		salt, err = s.createSalt(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("store: salt: %w", err)
	}
	if len(salt) != SaltSize {
		return nil, fmt.Errorf("store: salt: stored salt has %d bytes, want %d", len(salt), SaltSize)
	}
	return salt, nil
}

// createSalt stores a fresh salt unless another caller got there first, and
// returns the stored one.
func (s *Store) createSalt(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, SaltSize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	var salt []byte
	err := s.WriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
			metaSalt, fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", metaSalt).Scan(&salt)
	})
	return salt, err
}
