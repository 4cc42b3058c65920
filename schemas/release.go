package schemas

// BufferReleaser is implemented by a Converter whose FromConnect results are buffers
// it may reuse: once the caller is done with a result (the producer acknowledged or
// failed the record that carried it) it hands it back with ReleaseBuffer, at most
// once, and never touches it again. Callers that never release are correct too; the
// buffers are then ordinary garbage. ReleaseBuffer is safe for concurrent use.
type BufferReleaser interface {
	ReleaseBuffer(b []byte)
}
