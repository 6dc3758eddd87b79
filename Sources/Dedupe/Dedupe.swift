/// Near-duplicate detection: shingling, MinHash signatures, LSH banding and verification.
/// (Filled in by the near-duplicate issue; the spine uses exact content hashes.)
public enum Dedupe {}
