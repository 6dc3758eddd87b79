/// The lines of a clipping with their features and kinds, built one line at a time.
///
/// Bounded for hostile clippings of millions of lines: a repeated short line is classified
/// once, and a run of boilerplate lines keeps only its first `maxBoilerplateRun` lines. The
/// rest of the run cannot change the result: every rule looks at most a few lines around a
/// line (and a run this long already separates whatever it lies between).
enum ClassifiedLines {
    /// Boilerplate lines kept from one run of them.
    static let maxBoilerplateRun = 64
    /// Lines up to this many bytes are remembered with their kind.
    static let memoLineBytes = 48
    /// Entries remembered before the memo starts over.
    static let memoEntries = 4096

    static func classify(_ text: String) -> (features: [LineFeatures], kinds: [LineKind]) {
        var features: [LineFeatures] = []
        var kinds: [LineKind] = []
        var memo: [String: (LineFeatures, LineKind)] = [:]
        var boilerplateRun = 0
        TextLines.forEach(text) { line in
            let feature: LineFeatures, kind: LineKind
            if line.utf8.count <= memoLineBytes, let known = memo[line] {
                (feature, kind) = known
            } else {
                feature = LineFeatures(line)
                kind = LineClassifier.classify(feature)
                if line.utf8.count <= memoLineBytes {
                    if memo.count >= memoEntries { memo.removeAll(keepingCapacity: true) }
                    memo[line] = (feature, kind)
                }
            }
            if kind == .boilerplate {
                boilerplateRun += 1
                if boilerplateRun > maxBoilerplateRun { return }
            } else {
                boilerplateRun = 0
            }
            features.append(feature)
            kinds.append(kind)
        }
        return (features, kinds)
    }
}
