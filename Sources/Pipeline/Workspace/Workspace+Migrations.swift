import GRDB

extension Workspace {
    /// Every schema change, in order. Never edit a migration that has shipped: add a new one,
    /// because user workspaces hold cached calls that cost time and money to redo.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: llm call log and cache") { db in
            try db.create(table: "llmCall") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("createdAt", .datetime).notNull()
                t.column("requestHash", .text).notNull()
                t.column("role", .text).notNull()
                t.column("endpoint", .text).notNull()
                t.column("model", .text).notNull()
                t.column("messages", .text).notNull()
                t.column("parameters", .text).notNull()
                t.column("streamed", .boolean).notNull()
                t.column("responseText", .text)
                t.column("finishReason", .text)
                t.column("promptTokens", .integer)
                t.column("completionTokens", .integer)
                t.column("latencyMs", .double).notNull()
                t.column("attempts", .integer).notNull()
                t.column("error", .text)
                t.column("cacheHit", .boolean).notNull().defaults(to: false)
            }
            try db.create(index: "llmCall_requestHash", on: "llmCall", columns: ["requestHash"])
            // The cache points at the call that answered a request; clearing it keeps the log.
            try db.create(table: "llmCache") { t in
                t.primaryKey("requestHash", .text)
                t.column("callId", .integer).notNull().references("llmCall", onDelete: .cascade)
            }
        }
        registerKnowledgeMigration(&migrator)
        registerRunMigration(&migrator)
        registerStudentMigration(&migrator)
        registerLocalTrainingMigration(&migrator)
        return migrator
    }
}
