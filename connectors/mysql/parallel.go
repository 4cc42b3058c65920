package mysql

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors/cdc"
)

// rowSource calls fn with the rows of a table in batches, in table order (chunk order
// when chunked). scratch marks the columns whose values Records never keeps
// (cdc.TableSchema.Scratch), whose memory is reused. The rows of a batch stay valid
// until fn returned for the batch after it; those of the table's last batch stay
// valid for good.
type rowSource func(ctx context.Context, id cdc.TableID, scratch []bool, fn func(rows [][]any) error) error

// selectAll reads a whole table with one streamed SELECT on c. The rows are read and
// copied on a second goroutine and handed over in batches, so reading the next rows
// overlaps with turning the previous ones into records (in the W1 profile the read
// and copy were a quarter of the snapshot goroutine's CPU). fn runs on the caller's
// goroutine, in table order; c is used only until selectAll's function returns.
func selectAll(c *client.Conn) rowSource {
	return func(ctx context.Context, id cdc.TableID, scratch []bool, fn func([][]any) error) error {
		return streamBatchesAhead(ctx, c, "SELECT * FROM "+quoteIdent(id.Catalog)+"."+quoteIdent(id.Table), scratch, fn)
	}
}

// rowBatch is how many rows a reader hands over at once; aheadBatches bounds how many
// batches the read-ahead goroutine may read ahead of fn.
const (
	rowBatch     = 256
	aheadBatches = 4
)

var errReadAheadStopped = errors.New("snapshot read stopped")

// streamRowsAhead is streamBatchesAhead calling fn for every row, with no scratch
// columns.
func streamRowsAhead(ctx context.Context, c *client.Conn, q string, fn func([]any) error) error {
	return streamBatchesAhead(ctx, c, q, nil, func(rows [][]any) error {
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// streamBatchesAhead runs query q on c in a read-ahead goroutine and calls fn for
// every batch of rows on the calling goroutine; a batch goes back to the reader's pool
// once fn returned for the next one (the rowSource contract). It returns fn's first
// error (after stopping the read) or the read's error.
func streamBatchesAhead(ctx context.Context, c *client.Conn, q string, scratch []bool, fn func([][]any) error) error {
	batches := make(chan *snapBatch, aheadBatches)
	pool := newBatchPool()
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	stopInterrupt := interruptOnDone(ctx, c)
	defer stopInterrupt()
	go func() {
		defer close(batches)
		err := streamBatches(c, q, pool, scratch, func(b *snapBatch) error {
			select {
			case batches <- b:
				return nil
			case <-stop:
				return errReadAheadStopped
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		readErr <- err
	}()
	var ferr error
	var held *snapBatch
	for b := range batches {
		if ferr = fn(b.rows); ferr != nil {
			close(stop)
			for range batches { // let the reader see stop and finish
			}
			break
		}
		pool.put(held)
		held = b
	}
	err := <-readErr
	if ferr != nil {
		return ferr
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err() // the read was interrupted (interruptOnDone) or stopped by ctx
	}
	return err
}

// streamBatches runs query q on c and calls send with the rows in batches of up to
// rowBatch (the last one shorter) taken from pool, each row copied out of the packet
// buffer (the scratch columns' text into the batch): by readTextBatches when it
// applies, else through go-mysql's ExecuteSelectStreaming.
func streamBatches(c *client.Conn, q string, pool batchPool, scratch []bool, send func(*snapBatch) error) error {
	if read, err := readTextBatches(c, q, pool, scratch, send); read {
		return err
	}
	var res gmysql.Result
	var copier rowCopier
	var batch *snapBatch
	err := c.ExecuteSelectStreaming(q, &res, func(row []gmysql.FieldValue) error {
		if batch == nil {
			batch = pool.get(len(row))
		}
		batch.rows = append(batch.rows, copier.copyTo(batch, scratch, res.Fields, row))
		if len(batch.rows) < rowBatch {
			return nil
		}
		b := batch
		batch = nil
		return send(b)
	}, nil)
	if err == nil && batch != nil {
		err = send(batch)
	}
	return err
}

// snapshotCores is how many cores the snapshot may use (a variable for tests).
var snapshotCores = func() int { return runtime.GOMAXPROCS(0) }

// snapshotReaders is how many connections read the rows of a snapshot with
// snapshot.max.threads=threads. Rows are turned into records by one goroutine, in
// order, so reading chunks in parallel pays only when each extra reader (and the
// server thread serving it) has a core that goroutine does not need: with fewer cores
// the extra readers only take CPU from it (W1 on 2 cores shared with the server: 0.49x
// of a plain SELECT with 2 connections against 0.61x with one). So at most one reader
// per core beyond the converter's.
func snapshotReaders(threads int) int { return max(1, min(threads, snapshotCores()-1)) }

// openWorker opens a snapshot worker connection with its own consistent snapshot.
func openWorker(ctx context.Context, t *Task) (*client.Conn, error) {
	w, err := (&dialer{cfg: t.cfg, log: t.log}).connect(ctx)
	if err != nil {
		return nil, err
	}
	for _, q := range []string{"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", "START TRANSACTION WITH CONSISTENT SNAPSHOT"} {
		if _, err := w.Execute(q); err != nil {
			w.Close()
			return nil, fmt.Errorf("snapshot worker: %s: %w", q, err)
		}
	}
	return w, nil
}

// chunkItem is one primary-key range of one table, read by a worker into rows in
// batches (one channel operation per rowBatch rows, not per row).
type chunkItem struct {
	id      cdc.TableID
	where   string
	scratch []bool
	rows    chan *snapBatch
	err     error // set before rows is closed
}

// parallelReader reads the captured tables with snapshot.max.threads connections, each
// in the same consistent snapshot, splitting large tables with a single integer
// primary key into ranges. Chunks are handed out in table and key order and consumed in
// that order, so events keep their per-key order and at most one chunk per worker is
// buffered (bounded memory).
type parallelReader struct {
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	byTable map[cdc.TableID][]*chunkItem
	pool    batchPool // shared by the workers, refilled by rows
}

const chunkBuffer = 1024

func newParallelReader(ctx context.Context, t *Task, main *client.Conn, conns []*client.Conn, state *schemaState, tables []cdc.TableID) *parallelReader {
	ctx, cancel := context.WithCancel(ctx)
	p := &parallelReader{cancel: cancel, byTable: map[cdc.TableID][]*chunkItem{}, pool: newBatchPool()}
	items := make(chan *chunkItem, len(tables)*len(conns)*2+1)
	for _, id := range tables {
		chunks := planChunks(main, state, id, len(conns)*2)
		t.log.Info("parallel snapshot plan", "table", id.String(), "chunks", len(chunks), "threads", len(conns))
		scratch := scratchColumns(state, id)
		for _, w := range chunks {
			it := &chunkItem{id: id, where: w, scratch: scratch, rows: make(chan *snapBatch, chunkBuffer/rowBatch)}
			p.byTable[id] = append(p.byTable[id], it)
			items <- it
		}
	}
	close(items)
	for _, c := range conns {
		p.wg.Add(1)
		go func(c *client.Conn) {
			defer p.wg.Done()
			defer interruptOnDone(ctx, c)()
			for it := range items {
				q := "SELECT * FROM " + quoteIdent(it.id.Catalog) + "." + quoteIdent(it.id.Table) + it.where
				it.err = streamBatches(c, q, p.pool, it.scratch, func(b *snapBatch) error {
					select {
					case it.rows <- b:
						return nil
					case <-ctx.Done():
						return ctx.Err()
					}
				})
				if it.err != nil && ctx.Err() != nil {
					it.err = ctx.Err() // interrupted (interruptOnDone) or stopped by ctx
				}
				close(it.rows)
			}
		}(c)
	}
	return p
}

// rows implements rowSource over the table's chunks, in order (with the scratch
// columns of the plan).
func (p *parallelReader) rows(ctx context.Context, id cdc.TableID, _ []bool, fn func([][]any) error) error {
	var held *snapBatch
	for _, it := range p.byTable[id] {
		for b := range it.rows {
			if err := fn(b.rows); err != nil {
				return err
			}
			p.pool.put(held)
			held = b
		}
		if it.err != nil {
			return it.err
		}
	}
	return ctx.Err()
}

// scratchColumns is cdc.TableSchema.Scratch for every column of table id (nil when
// its schema is unknown: nothing is reused).
func scratchColumns(state *schemaState, id cdc.TableID) []bool {
	ts, err := state.tableSchema(id)
	if err != nil || ts == nil {
		return nil
	}
	out := make([]bool, len(ts.Table.Columns))
	for i := range out {
		out[i] = ts.Scratch(i)
	}
	return out
}

// close stops the workers and waits for them.
func (p *parallelReader) close() {
	p.cancel()
	for _, its := range p.byTable {
		for _, it := range its {
			for range it.rows { // unblock a worker waiting to send
			}
		}
	}
	p.wg.Wait()
}

// planChunks returns WHERE clauses splitting a table into n ranges of its single
// integer primary key, or one clause for the whole table.
func planChunks(c *client.Conn, state *schemaState, id cdc.TableID, n int) []string {
	whole := []string{""}
	ts, err := state.tableSchema(id)
	if err != nil || ts == nil || len(ts.Table.PrimaryKey) != 1 || n < 2 {
		return whole
	}
	col := ts.Table.Column(ts.Table.PrimaryKey[0])
	if name, _ := baseType(col); !strings.HasSuffix(name, "INT") || strings.Contains(col.TypeName, "UNSIGNED") && name == "BIGINT" {
		return whole
	}
	pk := quoteIdent(col.Name)
	r, err := c.Execute("SELECT MIN(" + pk + "), MAX(" + pk + "), COUNT(*) FROM " + quoteIdent(id.Catalog) + "." + quoteIdent(id.Table))
	if err != nil {
		return whole
	}
	defer r.Close()
	lo, err1 := r.GetInt(0, 0)
	hi, err2 := r.GetInt(0, 1)
	cnt, _ := r.GetInt(0, 2)
	if err1 != nil || err2 != nil || cnt < int64(n)*chunkBuffer || hi-lo < int64(n) {
		return whole
	}
	step := (hi - lo + 1) / int64(n)
	var out []string
	for i := 0; i < n; i++ {
		a := lo + int64(i)*step
		switch {
		case i == 0:
			out = append(out, fmt.Sprintf(" WHERE %s < %d ORDER BY %s", pk, a+step, pk))
		case i == n-1:
			out = append(out, fmt.Sprintf(" WHERE %s >= %d ORDER BY %s", pk, a, pk))
		default:
			out = append(out, fmt.Sprintf(" WHERE %s >= %d AND %s < %d ORDER BY %s", pk, a, pk, a+step, pk))
		}
	}
	return out
}
