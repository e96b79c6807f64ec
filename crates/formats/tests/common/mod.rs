//! Shared by the parsers' tests.

/// Calls `check` with `files` random files, each up to 40 pieces drawn from
/// `pieces` by a seeded xorshift generator (the same files on every run).
pub fn random_files(pieces: &[&str], seed: u64, files: usize, mut check: impl FnMut(&str)) {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..files {
        let n = (next() % 40) as usize;
        let src: String = (0..n)
            .map(|_| pieces[(next() as usize) % pieces.len()])
            .collect();
        check(&src);
    }
}
