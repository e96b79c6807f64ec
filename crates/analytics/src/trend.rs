//! Trends: the summary figures per group (a sitting, in time order), from each
//! attempt's percentage. Computed with one polars group-by.

use crate::{AnalyticsError, Result};
use polars::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// The group's key (a sitting id); points come in ascending key order.
    pub group: i64,
    pub attempts: usize,
    pub mean_pct: f64,
    pub median_pct: f64,
    /// Sample standard deviation; undefined for a single attempt.
    pub sd_pct: Option<f64>,
    pub min_pct: f64,
    pub max_pct: f64,
    pub pass_rate_pct: f64,
}

/// `groups[i]` is attempt i's group and `percentages[i]` its score in percent.
pub fn trend(groups: &[i64], percentages: &[f64], pass_mark_pct: f64) -> Result<Vec<TrendPoint>> {
    if groups.len() != percentages.len() {
        return Err(AnalyticsError::Invalid(format!(
            "{} groups for {} percentages",
            groups.len(),
            percentages.len()
        )));
    }
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let df = DataFrame::new(
        groups.len(),
        vec![
            Column::new("group".into(), groups),
            Column::new("pct".into(), percentages),
        ],
    )?;
    let pct = || col("pct");
    let out = df
        .lazy()
        .group_by([col("group")])
        .agg([
            pct().count().cast(DataType::Int64).alias("n"),
            pct().mean().alias("mean"),
            pct().median().alias("median"),
            pct().std(1).alias("sd"),
            pct().min().alias("min"),
            pct().max().alias("max"),
            (pct()
                .gt_eq(lit(pass_mark_pct - 1e-9))
                .cast(DataType::Float64)
                .mean()
                * lit(100.0))
            .alias("pass"),
        ])
        .sort(["group"], SortMultipleOptions::default())
        .collect()?;
    let f =
        |name: &str| -> Result<Vec<Option<f64>>> { Ok(out.column(name)?.f64()?.iter().collect()) };
    let group: Vec<i64> = out.column("group")?.i64()?.into_no_null_iter().collect();
    let n: Vec<i64> = out.column("n")?.i64()?.into_no_null_iter().collect();
    let (mean, median, sd, min, max, pass) = (
        f("mean")?,
        f("median")?,
        f("sd")?,
        f("min")?,
        f("max")?,
        f("pass")?,
    );
    Ok((0..group.len())
        .map(|i| TrendPoint {
            group: group[i],
            attempts: n[i] as usize,
            mean_pct: mean[i].unwrap_or(0.0),
            median_pct: median[i].unwrap_or(0.0),
            sd_pct: sd[i].filter(|x| x.is_finite()),
            min_pct: min[i].unwrap_or(0.0),
            max_pct: max[i].unwrap_or(0.0),
            pass_rate_pct: pass[i].unwrap_or(0.0),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_per_group_in_group_order() {
        let groups = [7, 3, 7, 3, 3, 9];
        let pct = [80.0, 40.0, 60.0, 50.0, 60.0, 30.0];
        let t = trend(&groups, &pct, 50.0).unwrap();
        assert_eq!(t.iter().map(|p| p.group).collect::<Vec<_>>(), vec![3, 7, 9]);
        let g3 = &t[0];
        assert_eq!(g3.attempts, 3);
        assert!((g3.mean_pct - 50.0).abs() < 1e-12);
        assert_eq!(g3.median_pct, 50.0);
        assert!((g3.sd_pct.unwrap() - 10.0).abs() < 1e-12, "{:?}", g3.sd_pct);
        assert_eq!((g3.min_pct, g3.max_pct), (40.0, 60.0));
        assert!(
            (g3.pass_rate_pct - 200.0 / 3.0).abs() < 1e-9,
            "exactly 50% passes"
        );
        assert_eq!(t[1].pass_rate_pct, 100.0);
        assert_eq!(t[2].sd_pct, None, "one attempt has no spread");
        assert_eq!(t[2].pass_rate_pct, 0.0);
        assert!(trend(&[], &[], 50.0).unwrap().is_empty());
        assert!(trend(&[1], &[], 50.0).is_err());
    }
}
