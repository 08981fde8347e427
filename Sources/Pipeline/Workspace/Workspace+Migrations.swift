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
        migrator.registerMigration("v2: knowledge, extraction steps, samples") { db in
            try db.create(table: "knowledgeItem") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("createdAt", .datetime).notNull()
                t.column("format", .text).notNull()
                t.column("domain", .text).notNull()
                t.column("text", .text).notNull()
                t.column("sessions", .text).notNull()
                t.column("errors", .text).notNull()
                t.column("teacherModel", .text).notNull()
                t.column("templateHash", .text).notNull()
                t.column("callIds", .text).notNull()
                t.column("promptTokens", .integer).notNull()
                t.column("completionTokens", .integer).notNull()
                t.column("cost", .double).notNull()
            }
            try db.create(table: "extractionStep") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("stage", .text).notNull()
                t.column("domain", .text).notNull()
                t.column("sessionId", .text)
                t.column("status", .text).notNull()
                t.column("output", .text)
                t.column("rawText", .text)
                t.column("reason", .text)
                t.column("callIds", .text).notNull()
            }
            try db.create(table: "sample") { t in
                t.primaryKey("name", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("strategy", .text).notNull()
                t.column("ratio", .double).notNull()
                t.column("seed", .integer).notNull()
                t.column("domains", .text).notNull()
                t.column("sessions", .text).notNull()
            }
        }
        migrator.registerMigration("v3: runs and predictions") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("domain", .text).notNull()
                t.column("student", .text).notNull()
                t.column("formats", .text).notNull()
                t.column("strategy", .text).notNull()
                t.column("ratio", .double).notNull()
                t.column("method", .text).notNull()
                t.column("seed", .integer).notNull()
                t.column("sessions", .integer).notNull()
                t.column("studentPromptTokens", .integer).notNull()
                t.column("studentCompletionTokens", .integer).notNull()
                t.column("teacherTokens", .integer).notNull()
                t.column("seconds", .double).notNull()
                t.column("status", .text).notNull()
            }
            try db.create(table: "prediction") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("runId", .integer).notNull().references("run", onDelete: .cascade)
                t.column("sessionId", .text).notNull()
                t.column("rawText", .text).notNull()
                t.column("bundles", .text)
                t.column("parseError", .text)
                t.column("callId", .integer)
                t.uniqueKey(["runId", "sessionId"])
            }
        }
        migrator.registerMigration("v4: fine-tuned students") { db in
            try db.create(table: "studentModel") { t in
                t.primaryKey("name", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("sample", .text).notNull()
                t.column("knowledge", .text).notNull()
                t.column("baseURL", .text).notNull()
                t.column("model", .text).notNull()
                t.column("command", .text).notNull()
                t.column("outputDir", .text).notNull()
            }
        }
        migrator.registerMigration("v5: locally trained students") { db in
            try db.alter(table: "studentModel") { t in
                t.add(column: "modelPath", .text)
                t.add(column: "trainingConfig", .text)
                t.add(column: "lossCurve", .text)
            }
        }
        migrator.registerMigration("v6: cost per run for the efficiency table") { db in
            try db.alter(table: "prediction") { t in t.add(column: "callIds", .text) }
            try db.alter(table: "run") { t in
                t.add(column: "teacherSeconds", .double)
                t.add(column: "modelBytes", .integer)
                t.add(column: "peakResidentBytes", .integer)
                t.add(column: "knowledgeDomains", .text)
            }
        }
        migrator.registerMigration("v7: LoRA students") { db in
            try db.alter(table: "studentModel") { t in t.add(column: "adapterPath", .text) }
        }
        migrator.registerMigration("v8: prompt tokens from the KV cache") { db in
            try db.alter(table: "llmCall") { t in t.add(column: "cachedPromptTokens", .integer) }
        }
        migrator.registerMigration("v9: attribution by ablation, curated knowledge sets") { db in
            // One answer per (run, left-out unit, session); the unit's pieces are stored with it.
            try db.create(table: "ablation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("runId", .integer).notNull().references("run", onDelete: .cascade)
                t.column("unit", .text).notNull()
                t.column("position", .integer).notNull()
                t.column("pieces", .text).notNull()
                t.column("sessionId", .text).notNull()
                t.column("rawText", .text).notNull()
                t.column("bundles", .text)
                t.column("parseError", .text)
                t.column("callIds", .text).notNull()
                t.uniqueKey(["runId", "unit", "sessionId"])
            }
            try db.create(table: "knowledgeSet") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("author", .text).notNull()
                t.column("domain", .text).notNull()
                t.column("entries", .text).notNull()
                t.column("edits", .text).notNull()
                t.uniqueKey(["name", "version"])
            }
            try db.alter(table: "run") { t in t.add(column: "knowledgeSet", .text) }
        }
        migrator.registerMigration("v10: test session sets, replicate rounds, format lines") { db in
            try db.alter(table: "run") { t in
                t.add(column: "testSet", .text)
                t.add(column: "round", .integer).notNull().defaults(to: 0)
                t.add(column: "formatLine", .text).notNull().defaults(to: FormatLine.standard.rawValue)
            }
        }
        migrator.registerMigration("v11: consolidated rules by sample") { db in
            try db.alter(table: "knowledgeItem") { t in t.add(column: "sampleKey", .text) }
        }
        migrator.registerMigration("v12: prompts shortened to fit a slot") { db in
            try db.alter(table: "run") { t in t.add(column: "shortenedPrompts", .integer).notNull().defaults(to: 0) }
        }
        return migrator
    }
}
