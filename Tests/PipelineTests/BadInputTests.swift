import Foundation
import Testing
@testable import Pipeline

/// Hand-made fixtures for every kind of bad input: each must end in one DataError that names
/// the file, the line and the field.
struct BadInputTests {
    /// A minimal valid BundleRec domain; tests overwrite one file to break it.
    static func validDomain() -> FixtureFolder {
        let folder = FixtureFolder()
        folder.write("session_item.csv", "session ID,item ID\n0,10\n0,11\n0,12\n1,13\n1,10\n")
        folder.write("session_bundle.csv", "session ID,bundle ID\n0,0\n")
        folder.write("bundle_item.csv", "bundle ID,item ID\n0,10\n0,11\n")
        folder.write("bundle_intent.csv", "bundle ID,intent\n0,\"Tea, and biscuits\"\n")
        folder.write(
            "item_titles.csv", "item ID,titles\n10,\"Green Tea &amp; Mint, 20 bags\"\n11,\"Shortbread\nTin\"\n")
        folder.write("item_categories.csv", "item ID,categories\n10,\"[[Grocery,Tea]]\"\n11,\"[[Grocery,Cookies]]\"\n")
        return folder
    }

    func loadError(_ folder: FixtureFolder) -> DataError? {
        do {
            _ = try BundleRecLoader.load(folder: folder.path)
            return nil
        } catch {
            return error as? DataError
        }
    }

    @Test func theValidFixtureLoads() throws {
        let folder = Self.validDomain()
        let dataset = try BundleRecLoader.load(folder: folder.path)
        #expect(dataset.sessions.map(\.itemIDs) == [["10", "11", "12"], ["13", "10"]])
        #expect(dataset.sessions[0].bundles.first?.intent == "Tea, and biscuits")
        #expect(dataset.item("10").title == "Green Tea & Mint, 20 bags")
        #expect(dataset.item("11").title == "Shortbread\nTin")
        #expect(dataset.item("12").displayTitle == "(untitled item 12)")
    }

    @Test func missingFileIsNamed() {
        let folder = Self.validDomain()
        try? FileManager.default.removeItem(atPath: folder.path + "/bundle_intent.csv")
        let error = loadError(folder)
        #expect(error?.file == folder.path + "/bundle_intent.csv")
        #expect(error?.message.hasPrefix("file not found") == true)
    }

    @Test func rowWithTooManyFieldsNamesItsLine() {
        let folder = Self.validDomain()
        folder.write("bundle_item.csv", "bundle ID,item ID\n0,10\n0,11,12\n")
        let error = loadError(folder)
        #expect(error?.line == 3)
        #expect(error?.description == folder.path + "/bundle_item.csv:3: has 3 fields, expected 2 (bundle ID,item ID)")
    }

    @Test func lineNumbersCountEmbeddedNewlines() {
        let folder = Self.validDomain()
        // Record 2 spans lines 3-4, so the broken record starts on line 5.
        folder.write("item_titles.csv", "item ID,titles\n10,Tea\n11,\"Short\nbread\"\nx12,Oops\n")
        let error = loadError(folder)
        #expect(error?.line == 5)
        #expect(error?.field == "item ID")
        #expect(error?.message == "'x12' is not a non-negative integer")
    }

    @Test func unterminatedQuoteNamesTheLineItOpens() {
        let folder = Self.validDomain()
        folder.write("bundle_intent.csv", "bundle ID,intent\n0,\"Tea time\n1,Other\n")
        let error = loadError(folder)
        #expect(error?.line == 2)
        #expect(error?.message == "unterminated quoted field")
    }

    @Test func invalidUTF8NamesItsLine() {
        let folder = Self.validDomain()
        folder.writeBytes("item_titles.csv", Array("item ID,titles\n10,Tea\n11,Caf".utf8) + [0xE9, 0x0A])
        let error = loadError(folder)
        #expect(error?.file == folder.path + "/item_titles.csv")
        #expect(error?.line == 3)
        #expect(error?.message == "invalid UTF-8")
    }

    @Test func emptyDatasetIsRefused() throws {
        let folder = Self.validDomain()
        folder.write("session_item.csv", "session ID,item ID\n")
        #expect(loadError(folder)?.message == "no sessions: the file has a header and no rows")
        folder.write("session_item.csv", "")
        #expect(loadError(folder)?.message == "empty file, expected a header row")
        // Sessions but no bundles: loading works, preprocessing refuses.
        let noBundles = Self.validDomain()
        noBundles.write("session_bundle.csv", "session ID,bundle ID\n")
        let dataset = try BundleRecLoader.load(folder: noBundles.path)
        #expect(throws: DataError.self) { try Preprocessing.prepare(dataset) }
    }

    @Test func bundleItemOutsideItsSessionIsRefused() {
        let folder = Self.validDomain()
        folder.write("bundle_item.csv", "bundle ID,item ID\n0,10\n0,13\n")
        let error = loadError(folder)
        #expect(error?.line == 3)
        #expect(error?.message == "bundle 0 holds item 13, which is not in session 0")
    }

    @Test func malformedCategoryListNamesLineAndField() {
        let folder = Self.validDomain()
        folder.write("item_categories.csv", "item ID,categories\n10,\"[[Grocery,Tea]]\"\n11,Grocery > Cookies\n")
        let error = loadError(folder)
        #expect(error?.line == 3)
        #expect(error?.field == "categories")
    }

    @Test func jsonLinesErrorsNameLineAndField() {
        let folder = FixtureFolder()
        let good =
            #"{"domain":"food","id":"f1","items":[{"id":"A"},{"id":"B"}],"bundles":[{"items":["A","B"],"intent":"x"}]}"#
        let file = folder.write(
            "bad.jsonl",
            good + "\n"
                + #"{"domain":"food","id":"f2","items":[{"id":"A"}],"bundles":[{"items":["A","Z"],"intent":"y"}]}"#
                + "\n")
        #expect(
            throws: DataError(file: file, line: 2, field: "bundles.0.items", "item Z is not one of the session's items")
        ) {
            try SessionJSONLines.load(path: file)
        }
        let broken = folder.write(
            "broken.jsonl", good + "\n\n" + #"{"domain":"food","id":"f3","items":[{"id":1}],"bundles":[]}"# + "\n")
        #expect(throws: DataError(file: broken, line: 3, field: "items.0.id", "expected a string")) {
            try SessionJSONLines.load(path: broken)
        }
        let empty = folder.write("empty.jsonl", "\n")
        #expect(throws: DataError(file: empty, "empty dataset: no session lines")) {
            try SessionJSONLines.load(path: empty)
        }
    }

    @Test func unknownPathIsNamed() {
        #expect(throws: DataError(file: "/no/such/place", "no such file or folder")) {
            try DataSource.load(path: "/no/such/place")
        }
    }
}

/// Columns by header name, quotes followed as RFC 4180 has them, unique JSON Lines ids.
struct HeaderAndQuoteTests {
    @Test func swappedColumnsReadByName() throws {
        let folder = BadInputTests.validDomain()
        folder.write("session_item.csv", "item ID,session ID\n10,0\n11,0\n12,0\n13,1\n10,1\n")
        folder.write("bundle_item.csv", " Item ID ,bundle ID\n10,0\n11,0\n")  // case and spaces are forgiven
        let dataset = try BundleRecLoader.load(folder: folder.path)
        #expect(dataset.sessions.map(\.itemIDs) == [["10", "11", "12"], ["13", "10"]])
        #expect(dataset.sessions[0].bundles.map(\.itemIDs) == [["10", "11"]])
    }

    @Test func aWrongHeaderOverValidDataIsRefusedByName() {
        let folder = BadInputTests.validDomain()
        folder.write("session_bundle.csv", "foo,bar\n0,0\n")
        #expect(
            throws: DataError(
                file: folder.path + "/session_bundle.csv", line: 1,
                "unknown column 'foo' (expected session ID,bundle ID)")
        ) {
            try BundleRecLoader.load(folder: folder.path)
        }
    }

    /// The quote left open on line 2 is found there, although later lines hold well-formed
    /// quoted fields that a simple count would pair with it (and blame line 5).
    @Test func anUnclosedQuoteIsBlamedOnItsOwnLine() {
        let text = "bundle ID,intent\n0,\"Tea time\n1,Other\n2,\"Quoted, fine\"\n3,\"More\"\n"
        #expect(CSVTable.unterminatedQuoteLine(text) == 2)
        #expect(CSVTable.unterminatedQuoteLine("a,b\n1,\"x \"\"y\"\" z\"\n2,\"multi\nline\"\n") == nil)
        #expect(CSVTable.unterminatedQuoteLine("a,b\n1,2\n3,\"open to the end\n") == 3)
        #expect(CSVTable.unterminatedQuoteLine("a,b\n1,say \"hi\"\n") == nil)  // a quote inside a field is text
    }

    @Test func duplicateSessionIDsNameBothLines() {
        let folder = FixtureFolder()
        let line = { (id: String) in
            #"{"domain":"food","id":"\#(id)","items":[{"id":"A","title":"Tea","categories":[["Food"]]}],"bundles":[]}"#
        }
        folder.write("s.jsonl", [line("x"), line("y"), line("x")].joined(separator: "\n") + "\n")
        #expect(
            throws: DataError(
                file: folder.path + "/s.jsonl", line: 3, field: "id",
                "session x of food is also on line 1; ids must be unique within a domain")
        ) {
            try SessionJSONLines.load(path: folder.path + "/s.jsonl")
        }
    }

    /// 200 lines are decoded in chunks on every core; the error reported is still the first in
    /// the file (line 57: an item described anew), not one of the later chunks' (a malformed line
    /// 150, a repeated id on line 190), and not the stray bundle item of line 57 that comes after
    /// the item check in the order of checks.
    @Test func theFirstErrorInTheFileWinsAcrossChunks() {
        let folder = FixtureFolder()
        let line = { (id: Int, title: String, bundle: String) in
            #"{"domain":"food","id":"s\#(id)","items":[{"id":"A","title":"\#(title)","categories":[["Food","Tea"]]}],"#
                + #""bundles":[{"items":["\#(bundle)"],"intent":"t"}]}"#
        }
        var lines = (1...200).map { line($0, "Tea", "A") }
        lines[56] = line(57, "Coffee", "Z")
        lines[149] = "{not json"
        lines[189] = line(3, "Tea", "A")
        folder.write("s.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(
            throws: DataError(
                file: folder.path + "/s.jsonl", line: 57, field: "items", "item A differs from its earlier description")
        ) {
            try SessionJSONLines.load(path: folder.path + "/s.jsonl")
        }
        lines[56] = line(57, "Tea", "A")
        folder.write("s.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(loadError(folder.path + "/s.jsonl")?.line == 150)
    }

    /// A byte-order mark (as some editors write) is not part of the first line.
    @Test func aByteOrderMarkIsSkipped() throws {
        let folder = FixtureFolder()
        folder.writeBytes(
            "s.jsonl",
            [0xEF, 0xBB, 0xBF] + Array(#"{"domain":"food","id":"s1","items":[],"bundles":[]}"#.utf8) + [0x0A])
        let datasets = try SessionJSONLines.load(path: folder.path + "/s.jsonl")
        #expect(datasets.map(\.domain) == ["food"] && datasets[0].sessions.map(\.id) == ["s1"])
    }

    func loadError(_ path: String) -> DataError? {
        do {
            _ = try SessionJSONLines.load(path: path)
            return nil
        } catch { return error as? DataError }
    }
}

/// bundlekd.toml is read strictly: each mistake is one error naming line and key.
struct StrictConfigTests {
    func error(_ text: String) -> String? {
        do { _ = try WorkspaceConfig.parse(text); return nil } catch { return "\(error)" }
    }

    @Test func nearMissesAreSuggested() {
        #expect(
            error("[local]\nprot = 1")
                == "bundlekd.toml:2 (field local.prot): unknown key 'prot' in [local]; did you mean 'port'?")
        #expect(
            error("[teacher]\nmax_token = 9")
                == "bundlekd.toml:2 (field teacher.max_token): unknown key 'max_token' in [teacher]; did you mean 'max_tokens'?"
        )
        #expect(
            error("databse = \"x\"")
                == "bundlekd.toml:1 (field databse): unknown key 'databse'; did you mean 'database'?")
        #expect(error("[local]\nport = 1\n[zzz]\n") == "bundlekd.toml:3 (field zzz): unknown section [zzz]")
    }

    @Test func typesAreNotGuessed() {
        #expect(
            error("[teacher]\nseed = 1.5")
                == "bundlekd.toml:2 (field teacher.seed): expected a non-negative integer, got a number")
        #expect(
            error("[student]\nbase_urls = []")
                == "bundlekd.toml:2 (field student.base_urls): expected at least one entry")
        #expect(
            error("[student]\nbase_url = \"localhost:8080\"")
                == "bundlekd.toml:2 (field student.base_url): expected an http:// or https:// URL")
        #expect(
            error("[local]\nthreads = 0")
                == "bundlekd.toml:2 (field local.threads): expected an integer from 1 to 1024, got 0")
    }

    /// `servers = N` puts N processes on consecutive ports; they may not run into the other role's.
    @Test func replicasTakeConsecutivePortsThatMustNotOverlap() throws {
        let config = try WorkspaceConfig.parse("[local]\nport = 18200\nslots = 3\nservers = 3\n")
        #expect(config.local.replicaServers.map(\.port) == [18200, 18201, 18202])
        #expect(config.local.replicaServers.allSatisfy { $0.replicas == 1 && $0.slots == 3 })
        #expect(config.student.baseURLs.count == 3 && config.student.maxConcurrency == 9)
        #expect(config.teacher.baseURLs == ["http://127.0.0.1:18081/v1"])
        // The teacher's default port (18081) moves past the student's two; a written one is refused.
        let two = try WorkspaceConfig.parse("[local]\nservers = 2\n")
        #expect(two.student.baseURLs == ["http://127.0.0.1:18080/v1", "http://127.0.0.1:18081/v1"])
        #expect(two.teacher.baseURLs == ["http://127.0.0.1:18082/v1"])
        #expect(
            error("[local]\nservers = 2\n[local_teacher]\nport = 18081")
                == "bundlekd.toml:3 (field local_teacher): the teacher's and the student's local servers need different ports (18080–18081 and 18081 overlap); to serve both roles from one server, point [teacher] base_url at it"
        )
        #expect(
            error("[local]\nport = 65535\nservers = 2")
                == "bundlekd.toml:3 (field local.servers): 2 servers from port 65535 run past port 65535")
        #expect(
            error("[local]\nservers = 0")
                == "bundlekd.toml:2 (field local.servers): expected an integer from 1 to 16, got 0")
    }

    @Test func theNewLivenessKeysAreRead() throws {
        let config = try WorkspaceConfig.parse(
            """
            [teacher]
            first_token_seconds = 900
            hung_seconds = 30
            structured_output = "json_object"
            [local]
            threads = 1
            """)
        #expect(config.teacher.firstTokenSeconds == 900 && config.teacher.hungSeconds == 30)
        #expect(config.teacher.structuredOutput == .jsonObject && config.student.structuredOutput == .auto)
        #expect(config.local.threads == 1)
    }
}

/// The project's own TOML reader: what it accepts, and where it says a file is wrong.
struct TOMLReaderTests {
    func error(_ text: String) -> String? {
        do { _ = try TOML.parse(text, file: "f.toml"); return nil } catch { return "\(error)" }
    }

    @Test func readsWhatOurFilesUse() throws {
        let table = try TOML.parse(
            """
            # a comment
            name = "default" # trailing
            [palette]
            accent = 39
            'quoted key' = 'C:\\path'
            [styles]
            title = { fg = "accent", modifiers = ["bold", "underline"] }
            [local]
            ratio = 1.5e-1
            big = 1_000
            hex = 0xff
            negative = -3
            on = true
            list = [
              "a", # first
              "b\\u00e9\\n",
            ]
            command = \"\"\"
            train \\
              --fast\"\"\"
            """, file: "f.toml")
        #expect(table["name"]?.string == "default")
        #expect(table["palette"]?.table?["quoted key"]?.string == "C:\\path")
        #expect(
            table["styles"]?.table?["title"]?.table?["modifiers"]?.array == [.string("bold"), .string("underline")])
        let local = table["local"]?.table
        #expect(local?["ratio"]?.double == 0.15 && local?["big"]?.int == 1000 && local?["hex"]?.int == 255)
        #expect(local?["negative"]?.int == -3 && local?["on"]?.bool == true)
        #expect(local?["list"]?.array == [.string("a"), .string("bé\n")])
        #expect(local?["command"]?.string == "train --fast")
        #expect(table.line(of: "local") == 8 && local?.line(of: "hex") == 11)
    }

    /// Inputs that made TOMLKit's toml++ abort the process (found by the fuzz test) are errors.
    @Test func malformedFilesAreOneLineEach() {
        #expect(
            error("[teacher]\nbase_urls = [}")
                == "f.toml:2: expected a value (a \"string\", a number, true/false, [an array]), found '}'")
        #expect(error("[é]\n") == "f.toml:1: expected a key (A-Z a-z 0-9 _ -, or quoted), found 'é'")
        #expect(error("[\rteacher]\n") == "f.toml:1: expected a key (A-Z a-z 0-9 _ -, or quoted), found U+000D")
        #expect(error("a = \"open\nb = 1\n") == "f.toml:1: unterminated string (it opens on this line)")
        #expect(error("a = 1\na = 2\n") == "f.toml:2: key 'a' is already defined on line 1")
        #expect(error("[s]\n[s]\n") == "f.toml:2: section [s] is already defined on line 1")
        #expect(error("when = 2026-12-01\n") == "f.toml:1: dates and times are not supported here; write a string")
        #expect(error("a.b = 1\n") == "f.toml:1: dotted keys are not supported here; use a [section]")
        #expect(error("x = [1, 2\n") == "f.toml:2: unterminated array: expected ']'")
        #expect(error("x = 1 2\n") == "f.toml:1: expected the end of the line, found '2'")
        #expect(
            error("x = 007\n")
                == "f.toml:1: expected a value (a \"string\", a number, true/false, [an array]), found '007'")
    }
}
