import GauntletCases
import GauntletJudge
import NIOCore
import WebSocketWire

/// The first handler of every `gauntlet serve` connection: it reads the opening request, then
/// either hands the connection to a case `Session` (replaying the request bytes to it, so the
/// case's wire log and handshake record are complete) or answers the endpoint itself.
final class ServeFront: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State { case reading, forwarding, done }

    private let serve: ServeContext
    private var state = State.reading
    private var buffered = ByteBuffer()
    private var requestTimer: Scheduled<Void>?

    init(context: ServeContext) { self.serve = context }

    func handlerAdded(context: ChannelHandlerContext) {
        // A peer that connects and never sends its request must not hold a connection forever.
        let seconds = serve.configuration.timeouts.openHandshake
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        requestTimer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
            let (handler, context) = bound.value
            guard handler.state == .reading else { return }
            handler.state = .done
            handler.serve.delegate.log("a connection sent no complete request within \(Int(seconds)) s; closed")
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        switch state {
        case .forwarding:
            context.fireChannelRead(data)
        case .done:
            break
        case .reading:
            buffered.writeBuffer(&bytes)
            readRequest(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        requestTimer?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard state != .forwarding else {
            context.fireErrorCaught(error)
            return
        }
        context.close(promise: nil)
    }

    private func readRequest(context: ChannelHandlerContext) {
        var copy = buffered
        let request: HandshakeRequest
        do {
            guard let parsed = try HandshakeRequest.parse(&copy) else { return }
            request = parsed
        } catch {
            serve.delegate.log("malformed request refused: \(LogText.clean("\(error)"))")
            reply(context: context, status: 400, reason: "Bad Request", body: "malformed HTTP request\n")
            return
        }
        requestTimer?.cancel()
        let endpoint = ServeEndpoint.parse(request.target)
        let isUpgrade = request.headers.list("Upgrade").contains { $0.lowercased() == "websocket" }
        guard isUpgrade else {
            answerPlainHTTP(context: context, request: request, endpoint: endpoint)
            return
        }
        switch endpoint {
        case .runCase(let number, let agent):
            let agent = agentName(agent, request)
            guard (1...max(1, serve.configuration.cases.count)).contains(number), !serve.configuration.cases.isEmpty
            else {
                let reason = "no case \(number): choose 1...\(serve.configuration.cases.count)"
                serve.delegate.log("runCase refused for agent \(LogText.clean(agent)): \(reason)")
                control(
                    context: context, request: request, messages: [], code: CloseCode.policyViolation, reason: reason)
                return
            }
            let definition = serve.configuration.cases[number - 1]
            guard serve.configuration.selects(definition, for: agent) else {
                let reason = "case \(definition.id) is excluded for this agent (exclude-agent-cases)"
                serve.delegate.log("runCase refused for agent \(LogText.clean(agent)): \(reason)")
                control(
                    context: context, request: request, messages: [], code: CloseCode.policyViolation, reason: reason)
                return
            }
            play(context: context, definition: definition, number: number, agent: agent)
        case .caseCount:
            control(
                context: context, request: request, messages: ["\(serve.configuration.cases.count)"],
                code: CloseCode.normal, reason: "")
        case .caseInfo(let number):
            guard let definition = selectedCase(number) else {
                refuse(context: context, request: request, reason: "no case \(number): choose 1...\(caseCount)")
                return
            }
            let info =
                "{\"id\": \(JSONValue.quoted(definition.id.rawValue)), \"description\": \(JSONValue.quoted(definition.title))}"
            control(context: context, request: request, messages: [info], code: CloseCode.normal, reason: "")
        case .caseStatus(let number, let agent):
            guard let definition = selectedCase(number) else {
                refuse(context: context, request: request, reason: "no case \(number): choose 1...\(caseCount)")
                return
            }
            let agent = agentName(agent, request)
            let behavior = serve.results.result(agent: agent, id: definition.id).map {
                JSONValue.quoted($0.behavior.rawValue)
            }
            let status = "{\"behavior\": \(behavior ?? "null")}"
            control(context: context, request: request, messages: [status], code: CloseCode.normal, reason: "")
        case .updateReports(let agent):
            let connection = control(context: context, request: request, messages: nil, code: 0, reason: "")
            let delegate = serve.delegate
            let loop = context.eventLoop
            let pending = connection.map { NIOLoopBound($0, eventLoop: loop) }
            Task {
                let failure: String?
                do {
                    try await delegate.updateReports(agent: agent)
                    failure = nil
                } catch {
                    failure = "reports not written: \(error)"
                    delegate.log("updateReports: reports not written: \(error)")
                }
                loop.execute {
                    pending?.value.finish(
                        messages: [], code: failure == nil ? CloseCode.normal : CloseCode.internalError,
                        reason: failure ?? "")
                }
            }
        case .root:
            control(
                context: context, request: request, messages: [ServePage.endpointsText],
                code: CloseCode.normal, reason: "")
        case .invalid(let reason):
            refuse(context: context, request: request, reason: reason)
        }
    }

    private var caseCount: Int { serve.configuration.cases.count }

    private func selectedCase(_ number: Int) -> CaseDefinition? {
        (1...max(1, caseCount)).contains(number) && caseCount > 0 ? serve.configuration.cases[number - 1] : nil
    }

    /// Autobahn takes the agent from the query and falls back to the client's `User-Agent`.
    private func agentName(_ given: String?, _ request: HandshakeRequest) -> String {
        if let given, !given.isEmpty { return given }
        if let userAgent = request.headers["User-Agent"], !userAgent.isEmpty { return userAgent }
        return serve.configuration.defaultAgent
    }

    private func refuse(context: ChannelHandlerContext, request: HandshakeRequest, reason: String) {
        serve.delegate.log("request for \(LogText.clean(request.target)) refused: \(reason)")
        control(context: context, request: request, messages: [], code: CloseCode.policyViolation, reason: reason)
    }

    /// Hands the connection to a case session: it sees the request bytes as if it had read them.
    private func play(context: ChannelHandlerContext, definition: CaseDefinition, number: Int, agent: String) {
        let promise = context.eventLoop.makePromise(of: SessionRecord.self)
        let serve = self.serve
        promise.futureResult.whenSuccess { record in
            serve.finish(definition, number: number, agent: agent, record: record)
        }
        let session = Session(
            definition: definition, role: .server, target: HandshakeTarget(hostHeader: serve.configuration.host),
            timeouts: serve.configuration.timeouts, channel: context.channel, completion: promise)
        do {
            try context.pipeline.syncOperations.addHandler(SessionHandler(session: session), position: .after(self))
        } catch {
            promise.fail(error)
            context.close(promise: nil)
            return
        }
        state = .forwarding
        session.connectionActive()
        let bytes = buffered
        buffered = ByteBuffer()
        session.bytesReceived(bytes)
    }

    /// Completes the handshake on a control endpoint and, when `messages` is given, answers
    /// and closes at once; otherwise the caller finishes the returned connection later.
    @discardableResult
    private func control(
        context: ChannelHandlerContext, request: HandshakeRequest, messages: [String]?, code: UInt16, reason: String
    ) -> ControlConnection? {
        let response: HandshakeResponse
        do {
            response = try HandshakeResponse.accepting(request)
        } catch {
            serve.delegate.log("opening handshake refused: \(LogText.clean("\(error)"))")
            reply(context: context, status: 400, reason: "Bad Request", body: "invalid WebSocket handshake: \(error)\n")
            return nil
        }
        let connection = ControlConnection(channel: context.channel)
        do {
            try context.pipeline.syncOperations.addHandler(connection, position: .after(self))
        } catch {
            context.close(promise: nil)
            return nil
        }
        state = .forwarding
        context.writeAndFlush(wrapOutboundOut(response.encode()), promise: nil)
        var copy = buffered
        _ = try? HandshakeRequest.parse(&copy)
        buffered = ByteBuffer()
        if copy.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(copy)) }
        if let messages { connection.finish(messages: messages, code: code, reason: reason) }
        return connection
    }

    private func answerPlainHTTP(context: ChannelHandlerContext, request: HandshakeRequest, endpoint: ServeEndpoint) {
        guard request.method == "GET" || request.method == "HEAD" else {
            reply(context: context, status: 405, reason: "Method Not Allowed", body: "use GET\n")
            return
        }
        guard endpoint == .root else {
            reply(
                context: context, status: 426, reason: "Upgrade Required",
                body: "this endpoint needs a WebSocket connection; see / for the list\n",
                headers: [("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13")])
            return
        }
        let page = ServePage.html(
            caseCount: serve.configuration.cases.count, agents: serve.results.counts, url: request.headers["Host"])
        reply(
            context: context, status: 200, reason: "OK", body: request.method == "HEAD" ? "" : page,
            headers: [("Content-Type", "text/html; charset=utf-8")], length: page.utf8.count)
    }

    /// A plain HTTP answer, then the connection closes.
    private func reply(
        context: ChannelHandlerContext, status: Int, reason: String, body: String, headers: [(String, String)] = [],
        length: Int? = nil
    ) {
        state = .done
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !headers.contains(where: { $0.0 == "Content-Type" }) {
            head += "Content-Type: text/plain; charset=utf-8\r\n"
        }
        head += "Content-Length: \(length ?? body.utf8.count)\r\nConnection: close\r\n\r\n"
        var buffer = context.channel.allocator.buffer(capacity: head.utf8.count + body.utf8.count)
        buffer.writeString(head)
        buffer.writeString(body)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
