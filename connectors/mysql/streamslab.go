package mysql

import (
	"strconv"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors/cdc"
)

// streamSlabs hands out the streamer's per-event memory in slabs instead of one
// allocation each: a record's lazy offset (a position) and the GTID text of each
// transaction. A slot is written once, before it is handed out, and never again; a
// slab lives while any record points into it. Owned by the streamer's goroutine.
type streamSlabs struct {
	offs []position
	text cdc.Boxes // GTID strings

	// the "domain-server" source of the last MariaDB GTID, reused while it repeats
	srcOK             bool
	srcDomain, srcSrv uint32
	src               string
}

// offsetSlab is how many positions one slab holds.
const offsetSlab = 128

// position returns a zero position for one record's offset.
func (sl *streamSlabs) position() *position {
	if len(sl.offs) == 0 {
		sl.offs = make([]position, offsetSlab)
	}
	p := &sl.offs[0]
	sl.offs = sl.offs[1:]
	return p
}

// mariadbGTID returns g in MariadbGTID.String's format ("domain-server-sequence") and
// its source ("domain-server", what gtid.source.includes/excludes match).
func (s *streamer) mariadbGTID(g gmysql.MariadbGTID) (gtid, src string) {
	sl := &s.slabs
	if !sl.srcOK || sl.srcDomain != g.DomainID || sl.srcSrv != g.ServerID {
		sl.src = strconv.FormatUint(uint64(g.DomainID), 10) + "-" + strconv.FormatUint(uint64(g.ServerID), 10)
		sl.srcOK, sl.srcDomain, sl.srcSrv = true, g.DomainID, g.ServerID
	}
	var buf [64]byte
	b := append(buf[:0], sl.src...)
	b = append(b, '-')
	b = strconv.AppendUint(b, g.SequenceNumber, 10)
	return sl.text.Text(b), sl.src
}
