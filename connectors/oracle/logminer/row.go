// Package logminer is the Oracle LogMiner session behind a small interface: start a
// mining window, fetch its rows of V$LOGMNR_CONTENTS, end it. The godror
// implementation talks to a database; Recorded replays rows captured in the JSON
// Lines format of the fixture README so everything above the session runs without
// one.
package logminer

import (
	"strconv"
	"strings"
	"time"
)

// Operation codes of V$LOGMNR_CONTENTS.OPERATION_CODE (F-OPCODES). Code 2 is DELETE
// and 3 is UPDATE: a decoder that assumes 1/2/3 = insert/update/delete reports every
// UPDATE as a DELETE.
const (
	OpInternal     = 0
	OpInsert       = 1
	OpDelete       = 2
	OpUpdate       = 3
	OpDDL          = 5
	OpStart        = 6
	OpCommit       = 7
	OpSelectLOB    = 9
	OpLOBWrite     = 10
	OpLOBTrim      = 11
	OpReplMarker   = 27
	OpLOBErase     = 29
	OpMissingSCN   = 34
	OpRollback     = 36
	OpXMLBegin     = 68 // XML DOC BEGIN: an XMLTYPE value of a row is written (lob.enabled)
	OpXMLWrite     = 70 // XML DOC WRITE: a piece of the document
	OpXMLEnd       = 71 // XML DOC END
	Op32KBegin     = 91 // 32K_BEGIN: an extended (32K) VARCHAR2/RAW value is written in pieces
	Op32KWrite     = 92 // 32K_WRITE
	Op32KEnd       = 93 // 32K_END
	OpUnsupported  = 255
	emptyRowIDChar = 'A'
)

// Row is one row of V$LOGMNR_CONTENTS with the columns the connector selects.
type Row struct {
	SCN       uint64
	Timestamp time.Time // TIMESTAMP: database host wall clock, read as UTC
	Operation string
	OpCode    int
	SQLRedo   string
	RsID      string // trimmed
	SSN       int64
	CSF       bool
	RowID     string
	XID       string // 16 upper-case hex digits as LogMiner prints them
	Owner     string // SEG_OWNER
	Table     string // TABLE_NAME
	Username  string
	Thread    int
	Rollback  bool
	Info      string
	Status    int
	DataObj   int64 // DATA_OBJ#, 0 when unknown
	DataObjD  int64 // DATA_OBJD#, 0 when unknown
	SegName   string
}

// TxID returns the XID in Debezium's txId form: lower-case hex.
func (r *Row) TxID() string { return strings.ToLower(r.XID) }

// Position names the row for error messages: SCN, thread, XID, RS_ID and SSN.
func (r *Row) Position() string {
	return "scn=" + strconv.FormatUint(r.SCN, 10) + " thread=" + strconv.Itoa(r.Thread) +
		" xid=" + r.TxID() + " rs_id=" + r.RsID + " ssn=" + strconv.FormatInt(r.SSN, 10)
}

// EmptyRowID reports whether ROW_ID is the all-'A' placeholder of START/COMMIT/DDL
// rows and of INSERTs into tables with LOB columns (F-ROWID, F-LOB-ROWID).
func EmptyRowID(id string) bool {
	if id == "" {
		return true
	}
	for i := 0; i < len(id); i++ {
		if id[i] != emptyRowIDChar {
			return false
		}
	}
	return true
}

// DataObjectOfRowID decodes the data object number from the first six base-64
// characters of an extended ROWID (F-DATAOBJ).
func DataObjectOfRowID(id string) (int64, bool) {
	if len(id) < 6 {
		return 0, false
	}
	var n int64
	for i := 0; i < 6; i++ {
		d := strings.IndexByte(rowIDAlphabet, id[i])
		if d < 0 {
			return 0, false
		}
		n = n<<6 | int64(d)
	}
	return n, true
}

const rowIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
