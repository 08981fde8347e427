/// "1 session", "3 sessions": a count with its noun, plural unless the count is one.
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
