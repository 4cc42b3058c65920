package jsonconv

// lru is a bounded least-recently-used map, the eviction Java's JsonConverter uses for
// its two schema caches (an LRUCache of schemas.cache.size entries each). A size of
// 0 or less caches nothing. It is not safe for concurrent use: the converter holds
// its mutex around every call.
type lru[K comparable, V any] struct {
	size  int
	items map[K]*lruEntry[K, V]
	head  lruEntry[K, V] // sentinel: head.next is the most recently used
}

type lruEntry[K comparable, V any] struct {
	key        K
	val        V
	prev, next *lruEntry[K, V]
}

func newLRU[K comparable, V any](size int) *lru[K, V] {
	c := &lru[K, V]{size: size, items: map[K]*lruEntry[K, V]{}}
	c.head.prev, c.head.next = &c.head, &c.head
	return c
}

// get returns the value of k and marks it most recently used.
func (c *lru[K, V]) get(k K) (V, bool) {
	e, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.unlink(e)
	c.pushFront(e)
	return e.val, true
}

// put stores v under k as the most recently used entry, evicting the least recently
// used one when the cache is full.
func (c *lru[K, V]) put(k K, v V) {
	if c.size <= 0 {
		return
	}
	if e, ok := c.items[k]; ok {
		e.val = v
		c.unlink(e)
		c.pushFront(e)
		return
	}
	if len(c.items) >= c.size {
		old := c.head.prev
		c.unlink(old)
		delete(c.items, old.key)
	}
	e := &lruEntry[K, V]{key: k, val: v}
	c.items[k] = e
	c.pushFront(e)
}

func (c *lru[K, V]) unlink(e *lruEntry[K, V]) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (c *lru[K, V]) pushFront(e *lruEntry[K, V]) {
	e.prev, e.next = &c.head, c.head.next
	c.head.next.prev = e
	c.head.next = e
}

// getText is get for a cache keyed by JSON text, looked up by the document's bytes
// without allocating a key string.
func getText[V any](c *lru[string, V], text []byte) (V, bool) {
	e, ok := c.items[string(text)]
	if !ok {
		var zero V
		return zero, false
	}
	c.unlink(e)
	c.pushFront(e)
	return e.val, true
}
