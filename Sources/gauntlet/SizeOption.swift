import Foundation

/// Sizes on the command line: plain octets or a binary suffix (`KiB`, `MiB`, `GiB`; `K`, `M`, `G`).
enum SizeOption {
    static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber }
        guard let value = Int(digits), value > 0 else { return nil }
        let multipliers: [String: Int] = [
            "": 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30,
        ]
        guard let multiplier = multipliers[trimmed.dropFirst(digits.count).lowercased()] else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
