import GauntletCases
import NIOCore
import WebSocketEndpoint
import WebSocketWire

/// Driving the endpoint core: carrying out its outputs, its one timer, and copying its close
/// facts into the record.
extension Session {
    /// Carries out everything the core has to do now. Called after every input and command;
    /// inside a reaction to an event it only carries out the queued outputs (in order with the
    /// session's own writes) and leaves reading the next event to the outer call.
    func pump() {
        if pumping {
            while let output = endpoint.poll(readingInput: false) { carryOut(output) }
        } else {
            pumping = true
            while let output = endpoint.poll() { carryOut(output) }
            pumping = false
        }
        syncFacts()
        rearmCoreTimer()
    }

    private func carryOut(_ output: EndpointOutput) {
        switch output {
        case .write(let bytes):
            write(bytes, sync: false)
        case .send(let opcode, let payload, let rsv):
            sendFrame(opcode: opcode.rawValue, rsv: rsv, payload: Payload(Array(payload.readableBytesView)))
        case .sendFragment(let opcode, let payload, let fin):
            // The tester's policy never streams, so its core never asks for fragments; carried
            // out all the same, as the frame it is.
            sendFrame(opcode: opcode.rawValue, fin: fin, payload: Payload(Array(payload.readableBytesView)))
        case .event(let event):
            handle(event)
        case .closeTCP:
            channel.close(promise: nil)
        }
    }

    /// One scheduled task at the core's earliest deadline.
    private func rearmCoreTimer() {
        coreTimer.rearm(to: endpoint.nextDeadline, on: channel.eventLoop) { [self] in
            coreTimer.fired()
            endpoint.clock = channel.eventLoop.now
            endpoint.tick()
            pump()
        }
    }

    /// The core's facts, in the record's (Autobahn's) terms.
    func syncFacts() {
        let facts = endpoint.facts
        record.closedByMe = facts.closedByMe
        record.failedByMe = facts.failedByMe
        record.droppedByMe = facts.droppedByMe
        record.wasClean = facts.wasClean
        record.wasOpenHandshakeTimeout = facts.openingHandshakeTimedOut
        record.wasCloseHandshakeTimeout = facts.closingHandshakeTimedOut
        record.wasServerConnectionDropTimeout = facts.serverDropTimedOut
        record.notClean = facts.notClean
        if let payload = facts.sentClose, payload.count >= 2, record.localCloseCode == nil {
            record.localCloseCode = UInt16(payload[0]) << 8 | UInt16(payload[1])
            let reason = Array(payload.dropFirst(2))
            record.localCloseReason =
                reason.isEmpty ? nil : (String(validating: reason, as: UTF8.self) ?? "0x" + Hex.encode(reason))
        }
    }
}
