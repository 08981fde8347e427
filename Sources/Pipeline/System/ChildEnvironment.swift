import Foundation

/// What every child server and trainer gets so that it holds up when other work shares the cores.
public enum ChildEnvironment {
    /// OpenMP threads that sleep, not spin, while they wait. With the default policy a contended
    /// llama-server fell to under 1 token/s and a trainer to half speed (measured; README).
    public static let openMP = ["OMP_WAIT_POLICY": "PASSIVE"]

    /// Compute threads for a model server: half the machine's cores. Measured on 2 cores with
    /// `make bench-threads` (README): -t 1 keeps 0.71× of the best idle speed alone, 0.63× beside
    /// a second server and 0.44× beside a CPU hog; -t 2 collapses to 0.13× and 0.07× there (0.46×
    /// and 0.30× even with PASSIVE). A teacher and a student server, or other work, share the rest.
    public static var serverThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

    /// Compute threads for a trainer, which runs as the one heavy job: every core (with PASSIVE,
    /// a contended trainer keeps its speed; without it, it halved).
    public static var trainerThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
