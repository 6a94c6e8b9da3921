/// An open-addressing table from a 64-bit hash (already well mixed) to an index: the
/// streaming reader's lookups, without hashing the hash again. Filled to three quarters
/// at most. A key and its 32-bit value share 16 bytes, so a lookup (and its prefetch)
/// touches one cache line, not one for the key and another for the value.
struct HashIndex {
    private struct Entry { var key: UInt64; var value: Int32 }
    private var entries: [Entry]
    private var count = 0
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        entries = Array(repeating: Entry(key: 0, value: 0), count: size)
        mask = size - 1
    }

    /// 0 marks an empty bucket, so a key of 0 is stored as 1.
    @inline(__always) private static func stored(_ key: UInt64) -> UInt64 { key == 0 ? 1 : key }

    @inline(__always) private func bucket(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E3779B97F4A7C15) >> 32) & mask }

    @inline(__always) func find(_ key: UInt64) -> Int? {
        let key = Self.stored(key)
        var at = bucket(key)
        while true {
            let found = entries[at]
            if found.key == key { return Int(found.value) }
            if found.key == 0 { return nil }
            at = (at + 1) & mask
        }
    }

    /// Asks for `key`'s bucket to be brought into the cache, for a lookup soon to come
    /// (a table larger than the cache costs a wait on memory per lookup otherwise).
    @inline(__always) func prefetch(_ key: UInt64) {
        entries.prefetch(bucket(Self.stored(key)))
    }

    mutating func insert(_ key: UInt64, _ value: Int) {
        if (count + 1) * 4 > entries.count * 3 { grow() }
        let key = Self.stored(key)
        var at = bucket(key)
        while entries[at].key != 0 && entries[at].key != key { at = (at + 1) & mask }
        if entries[at].key == 0 { count += 1 }
        entries[at] = Entry(key: key, value: Int32(truncatingIfNeeded: value))
    }

    /// Inserts `value` under `key` unless the key is there already: then the value it has.
    mutating func insertIfAbsent(_ key: UInt64, _ value: Int) -> Int? {
        if (count + 1) * 4 > entries.count * 3 { grow() }
        let key = Self.stored(key)
        var at = bucket(key)
        while entries[at].key != 0 {
            if entries[at].key == key { return Int(entries[at].value) }
            at = (at + 1) & mask
        }
        count += 1
        entries[at] = Entry(key: key, value: Int32(truncatingIfNeeded: value))
        return nil
    }

    private mutating func grow() { rehash(size: entries.count * 2) }

    private mutating func rehash(size: Int) {
        let old = entries
        entries = Array(repeating: Entry(key: 0, value: 0), count: size)
        mask = size - 1
        count = 0
        for entry in old where entry.key != 0 { insert(entry.key, Int(entry.value)) }
    }
}
