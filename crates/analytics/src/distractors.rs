//! Distractor analysis for choice questions: how often each option was chosen by
//! the top and bottom 27% of candidates (ranked by total), as Moodle and item
//! analysis reports show it.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OptionRow {
    pub option: String,
    pub is_key: bool,
    /// Percent of the top group who chose it.
    pub top_pct: f64,
    /// Percent of the bottom group who chose it.
    pub bottom_pct: f64,
    /// Percent of everyone who chose it.
    pub all_pct: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DistractorTable {
    /// Candidates in each of the top and bottom groups.
    pub group_size: usize,
    pub options: Vec<OptionRow>,
    pub flags: Vec<String>,
}

/// `totals[i]` and `chosen[i]` (the option ids attempt `i` picked; empty when
/// unanswered) describe the same attempt. `options` in display order, `key` the
/// correct ones.
pub fn distractors(
    totals: &[f64],
    chosen: &[Vec<String>],
    options: &[String],
    key: &[String],
) -> DistractorTable {
    let n = totals.len().min(chosen.len());
    let group = if n == 0 {
        0
    } else {
        ((0.27 * n as f64).ceil() as usize).clamp(1, n)
    };
    let mut order: Vec<usize> = (0..n).collect();
    // Highest totals first; ties keep attempt order, so the split is reproducible.
    order.sort_by(|a, b| totals[*b].total_cmp(&totals[*a]).then(a.cmp(b)));
    let top = &order[..group];
    let bottom = &order[n - group..];
    let pct = |set: &[usize], opt: &str| {
        if set.is_empty() {
            0.0
        } else {
            100.0
                * set
                    .iter()
                    .filter(|i| chosen[**i].iter().any(|c| c == opt))
                    .count() as f64
                / set.len() as f64
        }
    };
    let everyone: Vec<usize> = (0..n).collect();
    let rows: Vec<OptionRow> = options
        .iter()
        .map(|o| OptionRow {
            option: o.clone(),
            is_key: key.contains(o),
            top_pct: pct(top, o),
            bottom_pct: pct(bottom, o),
            all_pct: pct(&everyone, o),
        })
        .collect();
    let best_key = rows
        .iter()
        .filter(|r| r.is_key)
        .map(|r| r.top_pct)
        .fold(0.0, f64::max);
    let flags = rows
        .iter()
        .filter(|r| !r.is_key && r.top_pct > best_key)
        .map(|r| {
            format!(
                "distractor {:?} is chosen more often than the key by the top group; check the key",
                r.option
            )
        })
        .collect();
    DistractorTable {
        group_size: group,
        options: rows,
        flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn groups_are_27_percent_of_attempts_ranked_by_total() {
        // 10 attempts: the 3 best chose "a" (the key), the 3 worst chose "c".
        let totals = [9.0, 1.0, 8.0, 2.0, 5.0, 5.0, 7.0, 0.0, 4.0, 6.0];
        let chosen: Vec<Vec<String>> = totals
            .iter()
            .map(|t| {
                if *t >= 7.0 {
                    s(&["a"])
                } else if *t <= 2.0 {
                    s(&["c"])
                } else {
                    s(&["b"])
                }
            })
            .collect();
        let t = distractors(&totals, &chosen, &s(&["a", "b", "c"]), &s(&["a"]));
        assert_eq!(t.group_size, 3, "ceil(0.27 x 10)");
        let row = |o: &str| t.options.iter().find(|r| r.option == o).unwrap().clone();
        assert_eq!((row("a").top_pct, row("a").bottom_pct), (100.0, 0.0));
        assert_eq!((row("c").top_pct, row("c").bottom_pct), (0.0, 100.0));
        assert_eq!(row("b").all_pct, 40.0);
        assert!(t.flags.is_empty(), "the key leads in the top group");
    }

    #[test]
    fn a_distractor_preferred_by_the_top_group_is_flagged() {
        let totals = [10.0, 9.0, 1.0, 0.0];
        let chosen = vec![s(&["b"]), s(&["b"]), s(&["a"]), vec![]];
        let t = distractors(&totals, &chosen, &s(&["a", "b"]), &s(&["a"]));
        assert_eq!(t.group_size, 2);
        assert_eq!(t.flags.len(), 1, "{:?}", t.flags);
        assert!(t.flags[0].contains("\"b\""));
        assert_eq!(
            t.options[0].bottom_pct, 50.0,
            "an unanswered attempt chose nothing"
        );
    }

    #[test]
    fn no_attempts_means_empty_groups_not_a_panic() {
        let t = distractors(&[], &[], &s(&["a"]), &s(&["a"]));
        assert_eq!((t.group_size, t.options[0].top_pct), (0, 0.0));
    }
}
