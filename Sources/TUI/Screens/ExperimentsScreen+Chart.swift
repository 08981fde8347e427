import Foundation
import Pipeline

/// The bar chart of one metric, a bar per run: the no-model baselines as light-shade bars in
/// the muted style, and on every row of the precision chart a dotted mark "┆" where chance (the
/// exact precision of a random pair on the row's test set) ends: highlighted over a bar, muted
/// beside one (the value moves past a mark that would fall on it).
extension ExperimentsScreen {
    static let chanceMark = "┆"
    static let baselineShade: Character = "░"

    func renderChart(
        _ rows: [ExperimentReport.Row], chance: [ExperimentReport.Chance], into buffer: inout Buffer, area: Rect,
        theme: Theme
    ) {
        let inner = Block(
            title: "\(metric.title) by format, strategy, ratio · ░ no model"
                + (metric == .precision ? " · ┆ chance" : "") + " · c: metric",
            borderStyle: theme.border, titleStyle: theme.title
        ).render(area, &buffer)
        guard !inner.isEmpty, !rows.isEmpty else { return }
        let labels = rows.map { Self.label($0.run) }
        let labelWidth = min(inner.width / 2, labels.map { DisplayWidth.of($0) }.max() ?? 0)
        let barWidth = max(1, inner.width - labelWidth - 8)
        let barX = inner.x + labelWidth + 1
        let selected = min(list.selected, rows.count - 1)
        // Keep the selected run's bar in view when there are more runs than rows.
        let offset = max(0, min(selected - inner.height + 1, rows.count - inner.height))
        for (line, index) in (offset..<min(rows.count, offset + inner.height)).enumerated() {
            let row = rows[index]
            let value: Double =
                switch metric {
                case .precision: row.metrics.precision
                case .recall: row.metrics.recall
                case .coverage: row.metrics.coverage
                }
            let y = inner.y + line
            buffer.put(
                DisplayWidth.pad(DisplayWidth.truncate(labels[index], to: labelWidth), to: labelWidth),
                x: inner.x, y: y, style: index == selected ? theme.filter : theme.muted, clip: inner)
            let bar =
                row.run.isBaseline
                ? Self.shadedBar(value, width: barWidth) : BarChart.bar(value, maximum: 1, width: barWidth)
            let end = buffer.put(
                bar, x: barX, y: y, style: row.run.isBaseline ? theme.muted : theme.bar, clip: inner)
            // Chance is a precision: marked on the precision chart only.
            let level = chance.first {
                $0.domain == row.run.domain && $0.sessions == row.run.sessions && $0.testSet == row.run.testSet
            }
            guard metric == .precision, let level else {
                buffer.put(String(format: " %.3f", value), x: end, y: y, style: theme.base, clip: inner)
                continue
            }
            // The cell that holds chance: 0.544 of 45 cells is cell 24 (counting from 0).
            let mark = barX + min(barWidth - 1, Int(level.randomPairPrecision * Double(barWidth)))
            // A mark just past the bar pushes the value after it ("░░┆ 0.433"), one further on stays.
            let text = mark >= end && mark <= end + 6 ? mark + 1 : end
            buffer.put(String(format: " %.3f", value), x: text, y: y, style: theme.base, clip: inner)
            buffer.put(Self.chanceMark, x: mark, y: y, style: mark < end ? theme.filter : theme.muted, clip: inner)
        }
    }

    /// A baseline's bar: whole light-shade cells, `value` of 1 filling `width`.
    static func shadedBar(_ value: Double, width: Int) -> String {
        String(repeating: baselineShade, count: Int((min(max(value, 0), 1) * Double(width)).rounded()))
    }
}
