import Foundation
import Pipeline
@testable import TUI

/// wcwidth answers -1 for CJK in the "C" locale that `swift test` starts in.
let utf8Locale: Bool = setlocale(LC_CTYPE, "C.UTF-8") != nil

/// A two-session dataset written by hand for screen tests.
func handMadeDataset() -> Dataset {
    let items = [
        "T1": Item(id: "T1", title: "Sencha Green Tea", categoryPaths: [["Food", "Tea", "Green Tea"]]),
        "T2": Item(id: "T2", title: "抹茶 Matcha", categoryPaths: [["Food", "Tea", "Matcha"]]),
        "T3": Item(id: "T3", title: "Shortbread", categoryPaths: [["Food", "Cookies"]]),
        "N1": Item(id: "N1", title: "Garden Hose", categoryPaths: [["Garden", "Hoses"]]),
        "C1": Item(id: "C1", title: "Camera Body", categoryPaths: [["Electronics", "Cameras"]]),
        "C2": Item(id: "C2", title: "Zoom Lens", categoryPaths: [["Electronics", "Lenses"]]),
    ]
    let sessions = [
        Session(
            id: "s1", itemIDs: ["T1", "T2", "N1", "T3", "U9"], user: "u1",
            bundles: [
                GroundTruthBundle(id: "b1", itemIDs: ["T1", "T2"], intent: "Tea tasting"),
                GroundTruthBundle(id: "b2", itemIDs: ["T1", "T3"], intent: "Tea break"),
            ]),
        Session(
            id: "s2", itemIDs: ["C1", "C2"],
            bundles: [GroundTruthBundle(id: "b3", itemIDs: ["C1", "C2"], intent: "Photo kit")]),
    ]
    return Dataset(domain: "food", sessions: sessions, items: items, split: ["s1": .train, "s2": .test])
}

func model(width: Int = 80, height: Int = 24) -> AppModel {
    _ = utf8Locale
    var model = AppModel(datasets: [handMadeDataset()], sourceLabel: "hand", width: width, height: height)
    _ = update(&model, .resized(width: width, height: height))
    return model
}

func send(_ model: inout AppModel, _ keys: Key...) -> [Effect] {
    keys.flatMap { update(&model, .key($0)) }
}

func type(_ model: inout AppModel, _ text: String) {
    for ch in text { _ = update(&model, .key(.char(ch))) }
}
