package mysql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors/cdc"
)

// rowSource calls fn for every row of a table, in primary-key chunk order when chunked.
type rowSource func(ctx context.Context, id cdc.TableID, fn func([]any) error) error

// selectAll reads a whole table with one streamed SELECT on c. The rows are read and
// copied on a second goroutine and handed over in batches, so reading the next rows
// overlaps with turning the previous ones into records (in the W1 profile the read
// and copy were a quarter of the snapshot goroutine's CPU). fn runs on the caller's
// goroutine, in table order; c is used only until selectAll's function returns.
func selectAll(c *client.Conn) rowSource {
	return func(ctx context.Context, id cdc.TableID, fn func([]any) error) error {
		return streamRowsAhead(ctx, c, "SELECT * FROM "+quoteIdent(id.Catalog)+"."+quoteIdent(id.Table), fn)
	}
}

// rowBatch is how many rows the read-ahead goroutine hands over at once; aheadBatches
// bounds how many batches it may read ahead of fn.
const (
	rowBatch     = 256
	aheadBatches = 4
)

var errReadAheadStopped = errors.New("snapshot read stopped")

// streamRowsAhead runs query q on c in a read-ahead goroutine and calls fn for every
// row on the calling goroutine. It returns fn's first error (after stopping the read)
// or the read's error.
func streamRowsAhead(ctx context.Context, c *client.Conn, q string, fn func([]any) error) error {
	batches := make(chan [][]any, aheadBatches)
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		var batch [][]any
		var copier rowCopier
		send := func() error {
			select {
			case batches <- batch:
				batch = nil
				return nil
			case <-stop:
				return errReadAheadStopped
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		var res gmysql.Result
		err := c.ExecuteSelectStreaming(q, &res, func(row []gmysql.FieldValue) error {
			batch = append(batch, copier.copy(res.Fields, row))
			if len(batch) == rowBatch {
				return send()
			}
			return nil
		}, nil)
		if err == nil && len(batch) > 0 {
			err = send()
		}
		readErr <- err
	}()
	var ferr error
	for b := range batches {
		for _, row := range b {
			if ferr = fn(row); ferr != nil {
				break
			}
		}
		if ferr != nil {
			close(stop)
			for range batches { // let the reader see stop and finish
			}
			break
		}
	}
	err := <-readErr
	if ferr != nil {
		return ferr
	}
	return err
}

// streamBatches runs query q on c and calls fn with the rows in batches of up to
// rowBatch (the last one shorter), each row copied out of the packet buffer.
func streamBatches(c *client.Conn, q string, fn func([][]any) error) error {
	var res gmysql.Result
	var copier rowCopier
	var batch [][]any
	err := c.ExecuteSelectStreaming(q, &res, func(row []gmysql.FieldValue) error {
		batch = append(batch, copier.copy(res.Fields, row))
		if len(batch) < rowBatch {
			return nil
		}
		b := batch
		batch = nil
		return fn(b)
	}, nil)
	if err == nil && len(batch) > 0 {
		err = fn(batch)
	}
	return err
}

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
	id    cdc.TableID
	where string
	rows  chan [][]any
	err   error // set before rows is closed
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
}

const chunkBuffer = 1024

func newParallelReader(ctx context.Context, t *Task, main *client.Conn, conns []*client.Conn, state *schemaState, tables []cdc.TableID) *parallelReader {
	ctx, cancel := context.WithCancel(ctx)
	p := &parallelReader{cancel: cancel, byTable: map[cdc.TableID][]*chunkItem{}}
	items := make(chan *chunkItem, len(tables)*len(conns)*2+1)
	for _, id := range tables {
		chunks := planChunks(main, state, id, len(conns)*2)
		t.log.Info("parallel snapshot plan", "table", id.String(), "chunks", len(chunks), "threads", len(conns))
		for _, w := range chunks {
			it := &chunkItem{id: id, where: w, rows: make(chan [][]any, chunkBuffer/rowBatch)}
			p.byTable[id] = append(p.byTable[id], it)
			items <- it
		}
	}
	close(items)
	for _, c := range conns {
		p.wg.Add(1)
		go func(c *client.Conn) {
			defer p.wg.Done()
			for it := range items {
				q := "SELECT * FROM " + quoteIdent(it.id.Catalog) + "." + quoteIdent(it.id.Table) + it.where
				it.err = streamBatches(c, q, func(rows [][]any) error {
					select {
					case it.rows <- rows:
						return nil
					case <-ctx.Done():
						return ctx.Err()
					}
				})
				close(it.rows)
			}
		}(c)
	}
	return p
}

// rows implements rowSource over the table's chunks, in order.
func (p *parallelReader) rows(ctx context.Context, id cdc.TableID, fn func([]any) error) error {
	for _, it := range p.byTable[id] {
		for rows := range it.rows {
			for _, r := range rows {
				if err := fn(r); err != nil {
					return err
				}
			}
		}
		if it.err != nil {
			return it.err
		}
	}
	return ctx.Err()
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
