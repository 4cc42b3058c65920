package worker

import (
	"unsafe"

	"github.com/gonnect/gonnect/internal/ifacebox"
)

// Boxing a []byte or a string into an interface copies its header (24 or 16 bytes)
// to the heap: one allocation per key and per value of every sink record, since
// connectors.Record holds them as any. boxBytes and boxString instead make the
// interface around a header that already lives in a sink batch's slab or in the
// fetched record (internal/ifacebox). The header must never be written again once
// boxed.

var (
	bytesType  = ifacebox.TypeOf([]byte(nil))
	stringType = ifacebox.TypeOf("")
)

// boxBytes returns *p as an any without copying the slice header.
func boxBytes(p *[]byte) any { return ifacebox.At(bytesType, unsafe.Pointer(p)) }

// boxString returns *p as an any without copying the string header.
func boxString(p *string) any { return ifacebox.At(stringType, unsafe.Pointer(p)) }
