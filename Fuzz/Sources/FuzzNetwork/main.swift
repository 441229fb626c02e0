import GauntletFuzz

/// libFuzzer drives a live server (GAUNTLET_FUZZ_URL) with serialized `FrameSequence`s that our
/// structure-aware mutator mutates; see `NetworkHarness`.
nonisolated(unsafe) var harness: NetworkHarness?

@_silgen_name("LLVMFuzzerMutate")
func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    harness = NetworkHarness()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    harness?.testOneInput(bytes)
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func fuzzCustomMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    NetworkHarness.mutate(data, size: size, maxSize: maxSize, seed: seed) { libFuzzerMutate($0, $1, $2) }
}

@_cdecl("LLVMFuzzerCustomCrossOver")
public func fuzzCustomCrossOver(
    _ data1: UnsafePointer<UInt8>, _ size1: Int, _ data2: UnsafePointer<UInt8>, _ size2: Int,
    _ out: UnsafeMutablePointer<UInt8>, _ maxOutSize: Int, _ seed: UInt32
) -> Int {
    NetworkHarness.crossOver(
        Array(UnsafeBufferPointer(start: data1, count: size1)), Array(UnsafeBufferPointer(start: data2, count: size2)),
        out: out, maxSize: maxOutSize, seed: seed)
}
