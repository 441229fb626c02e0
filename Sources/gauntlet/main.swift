import ArgumentParser
import Foundation

// Parsing is ArgumentParser's (its usage errors already exit 64); our own usage and
// configuration errors are mapped to 64 here so every subcommand behaves the same.
do {
    var command = try GauntletCommand.parseAsRoot()
    if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
    } else {
        try command.run()
    }
} catch let error as UsageError {
    FileHandle.standardError.write(Data("gauntlet: error: \(error.message)\n".utf8))
    exit(ExitStatus.usage)
} catch {
    GauntletCommand.exit(withError: error)
}
