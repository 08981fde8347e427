import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Ports a test may start servers on: found free now, never fixed ones another program on the
/// machine may hold (`make test` once failed because something else listened on 18150).
enum FreePorts {
    /// A port with the `count - 1` after it free as well (replicas sit on consecutive ports).
    static func base(count: Int = 2) -> Int {
        for _ in 0..<500 {
            let base = Int.random(in: 20_000...(60_000 - count))
            if (base..<(base + count)).allSatisfy(isFree) { return base }
        }
        fatalError("no \(count) consecutive free ports between 20000 and 60000")
    }

    /// Whether 127.0.0.1:`port` can be bound now.
    static func isFree(_ port: Int) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return false }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
