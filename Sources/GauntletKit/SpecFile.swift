import Foundation

/// Reads one of Autobahn's JSON config files (`fuzzingclient.json`, `fuzzingserver.json`) and
/// turns every way it can be wrong into a usage error that names the file and the field.
public enum SpecFile {
    /// Decodes `path` as `Spec`; every failure is a ``ConfigurationError`` naming the file and the field.
    public static func load<Spec: Decodable>(_ type: Spec.Type, from path: String) throws -> Spec {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError("cannot read spec \(path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(Spec.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ConfigurationError("spec \(path): missing field \(fieldPath(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ConfigurationError(
                "spec \(path): wrong type at \(fieldPath(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw ConfigurationError(
                "spec \(path): malformed JSON: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)")
        } catch {
            throw ConfigurationError("spec \(path): \(error)")
        }
    }

    private static func fieldPath(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
            in: CharacterSet(charactersIn: "."))
    }
}
