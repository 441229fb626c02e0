import Dispatch
import Foundation
import GauntletEngine
import NIOCore
import NIOPosix

/// The libFuzzer network target's logic: libFuzzer drives the loop and stores inputs (serialized
/// `FrameSequence`s), our structure-aware mutator mutates them, and every input is played
/// against the server named by `GAUNTLET_FUZZ_URL`.
///
/// Findings become reproducer case files in `GAUNTLET_FUZZ_FINDINGS` (default
/// `fuzz-findings`). Kinds listed in `GAUNTLET_FUZZ_ABORT_ON` (default `crash,hang`) also abort,
/// so libFuzzer saves the input as a crash and stops.
public final class NetworkHarness: @unchecked Sendable {
    public let executor: NetworkExecutor
    let findingsDirectory: URL
    let abortOn: Set<String>
    private var seen: Set<String> = []
    private var runs = 0

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let url = environment["GAUNTLET_FUZZ_URL"] ?? "ws://127.0.0.1:9001/"
        guard let target = try? TargetURL(parsing: url) else {
            fatalError("GAUNTLET_FUZZ_URL is not a ws:// URL: \(url)")
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let timeout = Int64(environment["GAUNTLET_FUZZ_TIMEOUT_MS"].flatMap(Int64.init) ?? 1000)
        executor = NetworkExecutor(url: target, group: group, timeout: .milliseconds(timeout))
        findingsDirectory = URL(fileURLWithPath: environment["GAUNTLET_FUZZ_FINDINGS"] ?? "fuzz-findings")
        abortOn = Set((environment["GAUNTLET_FUZZ_ABORT_ON"] ?? "crash,hang").split(separator: ",").map(String.init))
    }

    /// `LLVMFuzzerTestOneInput`: plays the input, judges it, writes new findings.
    public func testOneInput(_ bytes: [UInt8]) {
        runs += 1
        let sequence = FrameSequence(decoding: bytes) ?? Generator.seeds[0]
        guard !sequence.frames.isEmpty else { return }
        let (finding, observation): (Finding?, Observation) = blocking {
            [executor] () async -> (Finding?, Observation) in
            let (reference, observation) = await executor.run(sequence)
            if observation.endedAbruptly {
                let health = await executor.healthCheck()
                if !health.healthy { return (Oracle.crash(reference, observation, health: health.detail), observation) }
                return (Oracle.abruptOnValid(reference, observation), observation)
            }
            return (Oracle.judge(reference, observation, timeoutMs: 1000), observation)
        }
        guard let finding, !seen.contains(finding.key) else { return }
        seen.insert(finding.key)
        let definition = Reproducer.caseDefinition(
            sequence: sequence, finding: finding, observation: observation,
            context: .init(seed: 0, run: runs, url: executor.url.description))
        let written: String
        do {
            written = try Reproducer.write(definition, finding: finding, to: findingsDirectory).path
        } catch {
            written = "NOT WRITTEN: \(error)"
        }
        let line =
            "FINDING \(finding.key) [\(finding.severity.rawValue), RFC 6455 §\(finding.rfc)]: \(finding.evidence)\n"
            + "  reproducer: \(written)\n"
        FileHandle.standardError.write(Data(line.utf8))
        if abortOn.contains(finding.kind.rawValue) { abort() }
    }

    /// `LLVMFuzzerCustomMutator`: decode, mutate with the structure-aware mutator, re-encode
    /// within `maxSize`. Now and then libFuzzer's own byte mutation goes first.
    public static func mutate(
        _ data: UnsafeMutablePointer<UInt8>, size: Int, maxSize: Int, seed: UInt32,
        byteMutate: (UnsafeMutablePointer<UInt8>, Int, Int) -> Int
    ) -> Int {
        var rng = FuzzRandom(seed: UInt64(seed))
        var size = size
        if rng.oneIn(8) && size > 3 { size = byteMutate(data, size, maxSize) }
        var sequence =
            FrameSequence(decoding: Array(UnsafeBufferPointer(start: data, count: size)))
            ?? Generator.seeds[Int(seed) % Generator.seeds.count]
        Mutator.mutate(&sequence, rng: &rng)
        return write(&sequence, to: data, maxSize: maxSize)
    }

    /// `LLVMFuzzerCustomCrossOver`.
    public static func crossOver(
        _ a: [UInt8], _ b: [UInt8], out: UnsafeMutablePointer<UInt8>, maxSize: Int, seed: UInt32
    ) -> Int {
        var rng = FuzzRandom(seed: UInt64(seed))
        let first = FrameSequence(decoding: a) ?? Generator.seeds[0]
        let second = FrameSequence(decoding: b) ?? Generator.seeds[1]
        var child = Mutator.crossover(first, second, rng: &rng)
        return write(&child, to: out, maxSize: maxSize)
    }

    static func write(_ sequence: inout FrameSequence, to out: UnsafeMutablePointer<UInt8>, maxSize: Int) -> Int {
        var bytes = sequence.encoded()
        while bytes.count > maxSize && sequence.frames.count > 1 {
            sequence.frames.removeLast()
            bytes = sequence.encoded()
        }
        if bytes.count > maxSize {
            sequence.frames = [FuzzFrame(opcode: 1, payload: .bytes([0x41]))]
            bytes = sequence.encoded()
        }
        let count = min(bytes.count, maxSize)
        bytes.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: count) }
        return count
    }

    /// Runs async work to completion from libFuzzer's synchronous callback.
    func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.value = await work()
            done.signal()
        }
        done.wait()
        return box.value!
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
