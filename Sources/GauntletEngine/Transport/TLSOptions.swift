import NIOSSL

/// How `wss://` targets are verified.
public struct TLSOptions: Hashable, Sendable {
    /// PEM file with the CA certificates to trust instead of the system store.
    public var caFile: String?
    /// Skip certificate and host name verification (self-signed test servers).
    public var insecure: Bool

    public init(caFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.insecure = insecure
    }

    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            configuration.trustRoots = .file(caFile)
        }
        if insecure {
            configuration.certificateVerification = .none
        }
        return try NIOSSLContext(configuration: configuration)
    }
}
