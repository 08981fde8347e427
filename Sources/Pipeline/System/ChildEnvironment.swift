import Foundation

/// What every child server and trainer gets so that it holds up when other work shares the cores.
public enum ChildEnvironment {
    /// OpenMP threads that sleep, not spin, while they wait. With the default policy a contended
    /// llama-server fell to under 1 token/s and a trainer to half speed (measured; README).
    public static let openMP = ["OMP_WAIT_POLICY": "PASSIVE"]

    /// Compute threads for one child: the machine's cores, not a number written for one machine.
    public static var threads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
