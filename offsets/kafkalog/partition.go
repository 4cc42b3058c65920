package kafkalog

import (
	"encoding/binary"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Murmur2 is Kafka's murmur2 hash (org.apache.kafka.common.utils.Utils.murmur2, seed
// 0x9747b28c), returned as the int32 Java computes.
func Murmur2(data []byte) int32 {
	const (
		seed = 0x9747b28c
		m    = 0x5bd1e995
		r    = 24
	)
	n := len(data)
	h := uint32(seed) ^ uint32(n)
	for len(data) >= 4 {
		k := binary.LittleEndian.Uint32(data)
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
		data = data[4:]
	}
	switch len(data) {
	case 3:
		h ^= uint32(data[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// PartitionFor returns the partition Java's default partitioner picks for a non-null
// key among n partitions: toPositive(murmur2(key)) % n. n must be positive.
func PartitionFor(key []byte, n int32) int32 {
	return (Murmur2(key) & 0x7fffffff) % n
}

// JavaPartitioner returns a franz-go partitioner that places every keyed record as
// Java's default partitioner does (PartitionFor). Records without a key go to
// partition 0: internal topics always carry keys.
func JavaPartitioner() kgo.Partitioner {
	return kgo.BasicConsistentPartitioner(func(string) func(r *kgo.Record, n int) int {
		return func(r *kgo.Record, n int) int {
			if r.Key == nil {
				return 0
			}
			return int(PartitionFor(r.Key, int32(n)))
		}
	})
}
