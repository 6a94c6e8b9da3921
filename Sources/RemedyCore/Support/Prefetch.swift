import CPrefetch

extension Array {
    /// Asks for the element at `index` to be brought into the cache, for a read soon to
    /// come (a hint only: nothing is read, and an empty array asks for nothing).
    @inline(__always) func prefetch(_ index: Int) {
        withUnsafeBufferPointer { buffer in buffer.baseAddress.map { remedy_prefetch($0 + index) } }
    }
}
