//! The order a candidate sees, fixed by the attempt. Every permutation comes from
//! the attempt's id and a salt naming what is being ordered, through SHA-256 and
//! ChaCha8, so the same attempt always gets the same order: after a reload, after
//! a crash, on another machine. Different attempts get independent, uniform
//! orders (Fisher–Yates with unbiased bounded draws; tested statistically).

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

fn rng(attempt_id: &str, salt: &str) -> ChaCha8Rng {
    let mut h = Sha256::new();
    h.update(b"examhall order v1\0");
    h.update(attempt_id.as_bytes());
    h.update([0]);
    h.update(salt.as_bytes());
    ChaCha8Rng::from_seed(h.finalize().into())
}

/// A uniform draw from `0..bound` (`bound > 0`), without modulo bias (Lemire).
fn below(rng: &mut ChaCha8Rng, bound: u64) -> u64 {
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(bound);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

/// A permutation of `0..n` for this attempt and salt: `result[i]` is the index of
/// the item shown in position `i`.
pub fn permutation(n: usize, attempt_id: &str, salt: &str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut r = rng(attempt_id, salt);
    for i in (1..n).rev() {
        let j = below(&mut r, i as u64 + 1) as usize;
        order.swap(i, j);
    }
    order
}

/// `items` in this attempt's order for `salt`.
pub fn shuffled<T: Clone>(items: &[T], attempt_id: &str, salt: &str) -> Vec<T> {
    permutation(items.len(), attempt_id, salt)
        .into_iter()
        .map(|i| items[i].clone())
        .collect()
}

/// A uniform pick from `0..n` (`n > 0`) for this attempt and salt: the variant of
/// a question with per-attempt values, one of its drawn values.
pub fn pick(n: usize, attempt_id: &str, salt: &str) -> usize {
    below(&mut rng(attempt_id, salt), n.max(1) as u64) as usize
}

/// Picks `k` of `n` items (`k <= n`) for this attempt and salt, in draw order.
pub fn draw(n: usize, k: usize, attempt_id: &str, salt: &str) -> Vec<usize> {
    let mut p = permutation(n, attempt_id, salt);
    p.truncate(k);
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn the_same_attempt_always_gets_the_same_order() {
        let a = permutation(30, "attempt-1", "questions");
        assert_eq!(a, permutation(30, "attempt-1", "questions"));
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..30).collect::<Vec<_>>(), "a permutation");
        assert_ne!(a, permutation(30, "attempt-2", "questions"));
        assert_ne!(a, permutation(30, "attempt-1", "options:q1"));
        assert_eq!(permutation(0, "x", "y"), Vec::<usize>::new());
        assert_eq!(permutation(1, "x", "y"), vec![0]);
    }

    /// Pearson's chi-square over all 24 orders of 4 items, 48,000 attempts: with 23
    /// degrees of freedom the 0.1 % critical value is 49.73. The attempt ids are
    /// fixed, so this cannot flake; the classic biased shuffle (`j` drawn from
    /// `0..n` at every step) fails it.
    #[test]
    fn orders_are_uniform_across_attempts() {
        let n_attempts = 48_000;
        let mut counts: BTreeMap<Vec<usize>, u32> = BTreeMap::new();
        let mut first_position = [0u32; 4];
        for i in 0..n_attempts {
            let p = permutation(4, &format!("attempt-{i}"), "questions");
            first_position[p[0]] += 1;
            *counts.entry(p).or_default() += 1;
        }
        assert_eq!(counts.len(), 24, "every order occurs");
        let expected = n_attempts as f64 / 24.0;
        let chi2: f64 = counts
            .values()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 49.73, "chi-square {chi2:.1} over 24 orders");
        // Each item leads equally often (3 degrees of freedom, 0.1 %: 16.27).
        let e = n_attempts as f64 / 4.0;
        let chi2_first: f64 = first_position
            .iter()
            .map(|&c| (c as f64 - e).powi(2) / e)
            .sum();
        assert!(
            chi2_first < 16.27,
            "chi-square {chi2_first:.1} for the first item"
        );
    }

    #[test]
    fn draws_are_distinct_and_from_the_pool() {
        let d = draw(10, 4, "attempt-7", "draw:1");
        assert_eq!(d.len(), 4);
        let mut u = d.clone();
        u.sort();
        u.dedup();
        assert_eq!(u.len(), 4);
        assert!(d.iter().all(|&i| i < 10));
        assert_eq!(d, draw(10, 4, "attempt-7", "draw:1"));
    }
}
