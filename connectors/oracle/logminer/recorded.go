package logminer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Window is a mining query's range and the rows it returned, as recorded.
type Window struct {
	From, To uint64
	Rows     []Row
}

// recordedRow is the JSON Lines form of a row (fixture README §2).
type recordedRow struct {
	Window *struct {
		From string `json:"from_scn"`
		To   string `json:"to_scn"`
	} `json:"_window"`
	SCN       *string `json:"SCN"`
	Timestamp *string `json:"TIMESTAMP"`
	Operation string  `json:"OPERATION"`
	OpCode    *int    `json:"OPERATION_CODE"`
	SQLRedo   *string `json:"SQL_REDO"`
	RsID      *string `json:"RS_ID"`
	SSN       int64   `json:"SSN"`
	CSF       int     `json:"CSF"`
	RowID     *string `json:"ROW_ID"`
	XID       *string `json:"XID"`
	Owner     *string `json:"SEG_OWNER"`
	Table     *string `json:"TABLE_NAME"`
	Username  *string `json:"USERNAME"`
	Thread    int     `json:"THREAD#"`
	Rollback  int     `json:"ROLLBACK"`
	Info      *string `json:"INFO"`
	Status    int     `json:"STATUS"`
	DataObj   *int64  `json:"DATA_OBJ#"`
	DataObjD  *int64  `json:"DATA_OBJD#"`
	SegName   *string `json:"SEG_NAME"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ReadRecorded reads recorded rows: control lines {"_window":{…}} open a window, row
// lines are V$LOGMNR_CONTENTS rows. Errors name the line.
func ReadRecorded(r io.Reader) ([]Window, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var out []Window
	line := 0
	for sc.Scan() {
		line++
		b := strings.TrimSpace(sc.Text())
		if b == "" {
			continue
		}
		var rr recordedRow
		if err := json.Unmarshal([]byte(b), &rr); err != nil {
			return nil, fmt.Errorf("rows line %d: %v", line, err)
		}
		if rr.Window != nil {
			from, err1 := strconv.ParseUint(rr.Window.From, 10, 64)
			to, err2 := strconv.ParseUint(rr.Window.To, 10, 64)
			if err1 != nil || err2 != nil || to < from {
				return nil, fmt.Errorf("rows line %d: invalid _window %q..%q", line, rr.Window.From, rr.Window.To)
			}
			out = append(out, Window{From: from, To: to})
			continue
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("rows line %d: row before the first _window control line", line)
		}
		row, err := rr.row()
		if err != nil {
			return nil, fmt.Errorf("rows line %d: %v", line, err)
		}
		w := &out[len(out)-1]
		w.Rows = append(w.Rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading rows: %w", err)
	}
	return out, nil
}

func (rr *recordedRow) row() (Row, error) {
	if rr.SCN == nil {
		return Row{}, fmt.Errorf("SCN is missing")
	}
	scn, err := strconv.ParseUint(*rr.SCN, 10, 64)
	if err != nil {
		return Row{}, fmt.Errorf("SCN %q is not a number", *rr.SCN)
	}
	if rr.OpCode == nil {
		return Row{}, fmt.Errorf("OPERATION_CODE is missing")
	}
	row := Row{
		SCN: scn, Operation: rr.Operation, OpCode: *rr.OpCode, SQLRedo: str(rr.SQLRedo),
		RsID: strings.TrimSpace(str(rr.RsID)), SSN: rr.SSN, CSF: rr.CSF == 1, RowID: str(rr.RowID),
		XID: strings.ToUpper(str(rr.XID)), Owner: str(rr.Owner), Table: str(rr.Table), Username: str(rr.Username),
		Thread: rr.Thread, Rollback: rr.Rollback == 1, Info: str(rr.Info), Status: rr.Status, SegName: str(rr.SegName),
	}
	if rr.DataObj != nil {
		row.DataObj = *rr.DataObj
	}
	if rr.DataObjD != nil {
		row.DataObjD = *rr.DataObjD
	}
	if ts := str(rr.Timestamp); ts != "" {
		t, err := time.ParseInLocation("2006-01-02 15:04:05", ts, time.UTC)
		if err != nil {
			return Row{}, fmt.Errorf("TIMESTAMP %q: %v", ts, err)
		}
		row.Timestamp = t
	}
	return row, nil
}

// Recorded is a Session over recorded windows. Mine returns every recorded row with
// from < SCN ≤ to in recorded order, so re-mining an earlier range after a restart
// yields the same rows again, as a database would. CurrentSCN walks through the
// recorded windows' upper bounds, one per call, then stays at the last.
type Recorded struct {
	windows []Window
	next    int
}

// NewRecorded returns a session over windows.
func NewRecorded(windows []Window) *Recorded { return &Recorded{windows: windows} }

// CurrentSCN implements Session.
func (r *Recorded) CurrentSCN(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if len(r.windows) == 0 {
		return 0, nil
	}
	i := r.next
	if i >= len(r.windows) {
		i = len(r.windows) - 1
	} else {
		r.next++
	}
	return r.windows[i].To, nil
}

// Mine implements Session.
func (r *Recorded) Mine(ctx context.Context, from, to uint64, fn func(*Row) error) error {
	for wi := range r.windows {
		for i := range r.windows[wi].Rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			row := r.windows[wi].Rows[i]
			if row.SCN > from && row.SCN <= to {
				if err := fn(&row); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Close implements Session.
func (r *Recorded) Close(context.Context) error { return nil }
