/// An open-addressing table from a 64-bit hash (already well mixed) to an index: the
/// streaming reader's lookups, without hashing the hash again. Filled to three quarters
/// at most, with 32-bit values, so a large report's tables touch little memory.
struct HashIndex {
    private var keys: [UInt64]
    private var values: [Int32]
    private var count = 0
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// 0 marks an empty bucket, so a key of 0 is stored as 1.
    @inline(__always) private static func stored(_ key: UInt64) -> UInt64 { key == 0 ? 1 : key }

    @inline(__always) private func bucket(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E3779B97F4A7C15) >> 32) & mask }

    @inline(__always) func find(_ key: UInt64) -> Int? {
        let key = Self.stored(key)
        var at = bucket(key)
        while true {
            let found = keys[at]
            if found == key { return Int(values[at]) }
            if found == 0 { return nil }
            at = (at + 1) & mask
        }
    }

    /// Asks for `key`'s bucket to be brought into the cache, for a lookup soon to come
    /// (a table larger than the cache costs a wait on memory per lookup otherwise).
    @inline(__always) func prefetch(_ key: UInt64) {
        let at = bucket(Self.stored(key))
        keys.prefetch(at)
        values.prefetch(at)
    }

    mutating func insert(_ key: UInt64, _ value: Int) {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let key = Self.stored(key)
        var at = bucket(key)
        while keys[at] != 0 && keys[at] != key { at = (at + 1) & mask }
        if keys[at] == 0 { count += 1 }
        keys[at] = key
        values[at] = Int32(truncatingIfNeeded: value)
    }

    /// Inserts `value` under `key` unless the key is there already: then the value it has.
    mutating func insertIfAbsent(_ key: UInt64, _ value: Int) -> Int? {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let key = Self.stored(key)
        var at = bucket(key)
        while keys[at] != 0 {
            if keys[at] == key { return Int(values[at]) }
            at = (at + 1) & mask
        }
        count += 1
        keys[at] = key
        values[at] = Int32(truncatingIfNeeded: value)
        return nil
    }

    private mutating func grow() { rehash(size: keys.count * 2) }

    private mutating func rehash(size: Int) {
        let (oldKeys, oldValues) = (keys, values)
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        mask = size - 1
        count = 0
        for (key, value) in zip(oldKeys, oldValues) where key != 0 { insert(key, Int(value)) }
    }
}
