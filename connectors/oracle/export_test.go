package oracle

// BufferGauge exposes the in-memory buffer bytes gauge to the external tests.
var BufferGauge = bufferGauge
