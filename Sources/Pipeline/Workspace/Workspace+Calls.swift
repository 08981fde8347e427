import Foundation
import GRDB

/// Cache figures for `bundlekd cache stats`.
public struct CacheStatistics: Sendable, Equatable {
    public let entries: Int
    public let calls: Int
    public let hits: Int
    public let errors: Int
    /// Completion tokens that cache hits did not have to generate.
    public let tokensSaved: Int
}

extension Workspace {
    /// Appends a call to the log; a successful model answer also becomes the cache entry for its
    /// request hash. Errors and cache hits never enter the cache.
    @discardableResult
    public func log(_ call: LLMCallRecord) throws -> Int64 {
        try writer.write { db in
            var record = call
            try record.insert(db)
            let id = record.id!
            if record.error == nil && !record.cacheHit {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO llmCache (requestHash, callId) VALUES (?, ?)",
                    arguments: [record.requestHash, id])
            }
            return id
        }
    }

    /// The call that answers this request hash, if it is cached.
    public func cachedCall(hash: String) throws -> LLMCallRecord? {
        try writer.read { db in
            try LLMCallRecord.fetchOne(
                db,
                sql: """
                    SELECT llmCall.* FROM llmCache JOIN llmCall ON llmCall.id = llmCache.callId
                    WHERE llmCache.requestHash = ?
                    """, arguments: [hash])
        }
    }

    /// The logged calls with these ids (unknown ids are skipped).
    public func calls(ids: some Collection<Int64>) throws -> [LLMCallRecord] {
        guard !ids.isEmpty else { return [] }
        return try writer.read { db in try LLMCallRecord.filter(keys: Array(ids)).fetchAll(db) }
    }

    /// The most recent calls, newest first.
    public func recentCalls(limit: Int) throws -> [LLMCallRecord] {
        try writer.read { db in
            try LLMCallRecord.order(LLMCallRecord.Columns.id.desc).limit(limit).fetchAll(db)
        }
    }

    public func cacheStatistics() throws -> CacheStatistics {
        try writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM llmCache) AS entries, COUNT(*) AS calls,
                           COALESCE(SUM(cacheHit), 0) AS hits, COALESCE(SUM(error IS NOT NULL), 0) AS errors,
                           COALESCE(SUM(CASE WHEN cacheHit THEN completionTokens ELSE 0 END), 0) AS saved
                    FROM llmCall
                    """)!
            return CacheStatistics(
                entries: row["entries"], calls: row["calls"], hits: row["hits"],
                errors: row["errors"], tokensSaved: row["saved"])
        }
    }

    /// Forgets every cached answer (the log stays); returns how many entries were removed.
    @discardableResult
    public func clearCache() throws -> Int {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM llmCache")
            return db.changesCount
        }
    }
}
