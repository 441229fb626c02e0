#if canImport(Glibc)
    import Glibc

    // A fixed mmap threshold: buffers from 128 KiB up (the multi-MiB messages of the limits
    // family) are mapped on their own and returned to the system when freed. glibc's default
    // dynamic threshold rises to the largest buffer freed so far, after which such buffers are
    // carved from the heaps of the event-loop threads and stay resident (about +20 MiB of peak
    // RSS over a full run). `mallopt` is in <malloc.h>, which the Glibc module does not export.
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        let mMmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        _ = unsafeBitCast(symbol, to: MallOpt.self)(mMmapThreshold, 128 * 1024)
    }
#endif

await GauntletCommand.runMain()
