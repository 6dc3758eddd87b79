import Foundation

/// Pre-compressed bodies for the loopback server.
public enum TestCompression {
    /// Runs `tool args` with `input` on stdin and returns stdout (gzip, zstd).
    public static func pipe(_ tool: String, _ arguments: [String], _ input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let writer = DispatchQueue(label: "compress.writer")
        let data = Data(input)
        writer.async { @Sendable in
            stdin.fileHandleForWriting.write(data)
            try? stdin.fileHandleForWriting.close()
        }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(out)
    }

    public static func gzip(_ input: [UInt8]) throws -> [UInt8] { try pipe("gzip", ["-c", "-n"], input) }
    public static func zstd(_ input: [UInt8]) throws -> [UInt8] { try pipe("zstd", ["-c", "-q"], input) }

    /// A valid Brotli stream (RFC 7932) made of uncompressed meta-blocks: no brotli encoder is
    /// available offline, but any conforming decoder (libcurl's) must accept this.
    public static func brotliStored(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var bitBuffer: UInt64 = 0
        var bitCount = 0
        func bits(_ value: UInt64, _ n: Int) {
            bitBuffer |= value << UInt64(bitCount)
            bitCount += n
            while bitCount >= 8 {
                out.append(UInt8(bitBuffer & 0xFF))
                bitBuffer >>= 8
                bitCount -= 8
            }
        }
        func flushToByte() { if bitCount > 0 { bits(0, 8 - bitCount) } }
        bits(0, 1)  // WBITS = 16
        var offset = 0
        while offset < input.count {
            let length = min(65536, input.count - offset)
            bits(0, 1)  // ISLAST = 0
            bits(0, 2)  // MNIBBLES = 4
            bits(UInt64(length - 1), 16)  // MLEN - 1
            bits(1, 1)  // ISUNCOMPRESSED
            flushToByte()
            out.append(contentsOf: input[offset..<(offset + length)])
            offset += length
        }
        bits(1, 1)  // ISLAST
        bits(1, 1)  // ISLASTEMPTY
        flushToByte()
        return out
    }
}
