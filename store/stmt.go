package store

import (
	"context"
	"database/sql"
	"sync"
)

// Statements are prepared once per query text on the writer's single
// connection and reused by every transaction: profiling the SMS queues
// showed SQLite's parser taking about 40% of the CPU when each statement
// was parsed anew.

// maxCachedStmts bounds the cache; query texts beyond it (there should be
// none: queries are constants) are run unprepared.
const maxCachedStmts = 512

type stmtCache struct {
	mu    sync.Mutex
	db    *sql.DB
	stmts map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: make(map[string]*sql.Stmt)}
}

// get returns the prepared statement of query, or nil if it is not
// prepared yet. It never prepares: inside a transaction the writer's only
// connection is taken, so preparing on the pool would wait for ever.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// prepare prepares the queries not cached yet; WriteTx calls it after the
// transaction that missed them, when the connection is free again. A query
// that fails to prepare is left uncached (it failed in the transaction
// too, with the error its caller saw).
func (c *stmtCache) prepare(ctx context.Context, queries []string) {
	for _, q := range queries {
		c.mu.Lock()
		_, ok := c.stmts[q]
		full := len(c.stmts) >= maxCachedStmts
		c.mu.Unlock()
		if ok || full {
			continue
		}
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, ok := c.stmts[q]; ok {
			_ = st.Close()
		} else {
			c.stmts[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		_ = st.Close()
		delete(c.stmts, q)
	}
}

// Tx is a write transaction (see [Store.WriteTx]); it has the methods of
// *sql.Tx, and its ExecContext, QueryContext and QueryRowContext run
// cached prepared statements.
type Tx struct {
	*sql.Tx
	cache  *stmtCache
	missed []string // queries to prepare once the transaction is over
}

func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st := t.cache.get(query)
	if st == nil {
		t.missed = append(t.missed, query)
		return nil, nil
	}
	return t.Tx.StmtContext(ctx, st), nil
}

// ExecContext is sql.Tx.ExecContext with a cached statement.
func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return t.Tx.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext is sql.Tx.QueryContext with a cached statement.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return t.Tx.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext is sql.Tx.QueryRowContext with a cached statement; a
// preparation error surfaces from Scan.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.stmt(ctx, query)
	if err != nil || st == nil {
		return t.Tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
