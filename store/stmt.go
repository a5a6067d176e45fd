package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
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
	missed []string         // queries to prepare once the transaction is over
	now    func() time.Time // the store's clock
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

// readPool is the query-only pool; its QueryContext and QueryRowContext
// run statements prepared once per query text (database/sql prepares
// them again on each pool connection that runs them): profiling the relay
// showed SQLite's parser as the largest cost of the lookups on every
// relayed message.
type readPool struct {
	*sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newReadPool(db *sql.DB) *readPool {
	return &readPool{DB: db, stmts: make(map[string]*sql.Stmt)}
}

// stmt returns the prepared statement of query, preparing it on first
// use; nil (run it unprepared) when it does not prepare or the cache is
// full.
func (p *readPool) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.Lock()
	st, ok := p.stmts[query]
	full := len(p.stmts) >= maxCachedStmts
	p.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if have, ok := p.stmts[query]; ok {
		_ = st.Close()
		return have
	}
	p.stmts[query] = st
	return st
}

// QueryContext is sql.DB.QueryContext with a cached statement.
func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext is sql.DB.QueryRowContext with a cached statement.
func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the statements, then the pool.
func (p *readPool) Close() error {
	p.mu.Lock()
	for q, st := range p.stmts {
		_ = st.Close()
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}
