//! The statistics, computed with polars expressions over the score matrix.

use crate::{AnalyticsError, Result, ScoreMatrix};
use polars::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub attempts: usize,
    pub max_possible: f64,
    pub mean: f64,
    pub median: f64,
    /// Sample standard deviation (n − 1).
    pub sd: f64,
    pub min: f64,
    pub max: f64,
    pub pass_mark_pct: f64,
    /// Share of attempts at or above the pass mark, in percent.
    pub pass_rate_pct: f64,
    /// Adjusted Fisher–Pearson skewness (Moodle's and Excel's SKEW); needs 3 attempts.
    pub skewness: Option<f64>,
    /// Excess kurtosis, sample-adjusted (Moodle's and Excel's KURT); needs 4 attempts.
    pub kurtosis: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reliability {
    /// Cronbach's α (equals KR-20 when every item scores 0 or its maximum).
    pub alpha: Option<f64>,
    /// α × 100, as Moodle prints its "coefficient of internal consistency".
    pub coefficient_of_internal_consistency: Option<f64>,
    /// 100 · √(1 − α).
    pub error_ratio: Option<f64>,
    /// Standard error of measurement: error ratio / 100 × SD.
    pub standard_error: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemStats {
    pub item: String,
    pub max: f64,
    /// Mean mark ÷ maximum, in percent.
    pub facility: f64,
    /// Standard deviation ÷ maximum, in percent.
    pub sd: f64,
    /// 100 × correlation of the item with the rest of the test.
    pub discrimination_index: Option<f64>,
    /// 100 × Cov(item, rest) ÷ the largest covariance those marks could have.
    pub discriminative_efficiency: Option<f64>,
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bin {
    pub from: f64,
    pub to: f64,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Analysis {
    pub summary: Summary,
    pub reliability: Reliability,
    pub items: Vec<ItemStats>,
    pub histogram: Vec<Bin>,
}

const TOTAL: &str = "__examhall_total__";

fn scalar(df: &DataFrame, name: &str) -> Result<Option<f64>> {
    let v = df.column(name)?.get(0)?;
    if v.is_null() {
        return Ok(None);
    }
    let x: f64 = v.try_extract()?;
    Ok(x.is_finite().then_some(x))
}

fn need(v: Option<f64>, what: &str) -> Result<f64> {
    v.ok_or_else(|| AnalyticsError::Invalid(format!("{what} is undefined for this data")))
}

/// Summary, reliability, item analysis and a histogram of totals (`bins` equal
/// bins over 0..=max possible).
pub fn analyse(m: &ScoreMatrix, pass_mark_pct: f64, bins: usize) -> Result<Analysis> {
    if !(0.0..=100.0).contains(&pass_mark_pct) {
        return Err(AnalyticsError::Invalid(format!(
            "the pass mark must be 0 to 100 percent (got {pass_mark_pct})"
        )));
    }
    if !(1..=200).contains(&bins) {
        return Err(AnalyticsError::Invalid(format!(
            "bins must be 1 to 200 (got {bins})"
        )));
    }
    if m.items.iter().any(|i| i == TOTAL) {
        return Err(AnalyticsError::Invalid(format!(
            "an item may not be called {TOTAL}"
        )));
    }
    let n = m.attempts();
    let k = m.items.len();
    let max_possible: f64 = m.max.iter().sum();
    let item = |i: usize| col(m.items[i].as_str());
    let total = || col(TOTAL);
    let dev = || total() - total().mean();
    let threshold = pass_mark_pct / 100.0 * max_possible - 1e-9;

    let mut exprs = vec![
        total().mean().alias("mean"),
        total().median().alias("median"),
        total().std(1).alias("sd"),
        total().var(1).alias("var"),
        total().min().alias("min"),
        total().max().alias("max"),
        total()
            .gt_eq(lit(threshold))
            .cast(DataType::Float64)
            .mean()
            .alias("pass_rate"),
        (dev() * dev() * dev()).sum().alias("m3"),
        (dev() * dev() * dev() * dev()).sum().alias("m4"),
    ];
    for i in 0..k {
        let rest = || total() - item(i);
        exprs.push(item(i).mean().alias(format!("i{i}_mean")));
        exprs.push(item(i).std(1).alias(format!("i{i}_sd")));
        exprs.push(item(i).var(1).alias(format!("i{i}_var")));
        exprs.push(pearson_corr(item(i), rest()).alias(format!("i{i}_r")));
        exprs.push(cov(item(i), rest(), 1).alias(format!("i{i}_cov")));
        // The largest covariance these marks allow: both sorted the same way.
        exprs.push(
            cov(
                item(i).sort(SortOptions::default().with_multithreaded(false)),
                rest().sort(SortOptions::default().with_multithreaded(false)),
                1,
            )
            .alias(format!("i{i}_covmax")),
        );
    }
    let all_items: Vec<Expr> = (0..k).map(item).collect();
    // Totals once, materialised; every other figure reads them.
    let with_total = m
        .frame
        .clone()
        .lazy()
        .with_column(sum_horizontal(&all_items, true)?.alias(TOTAL))
        .collect()?;
    let totals: Vec<f64> = with_total
        .column(TOTAL)?
        .f64()?
        .into_no_null_iter()
        .collect();
    let out = with_total.lazy().select(exprs).collect()?;

    let nf = n as f64;
    let mean = need(scalar(&out, "mean")?, "the mean")?;
    let sd = scalar(&out, "sd")?.unwrap_or(0.0);
    let var_total = scalar(&out, "var")?.unwrap_or(0.0);
    let (m3, m4) = (
        scalar(&out, "m3")?.unwrap_or(0.0),
        scalar(&out, "m4")?.unwrap_or(0.0),
    );
    let skewness = (n >= 3 && sd > 0.0).then(|| nf / ((nf - 1.0) * (nf - 2.0)) * m3 / sd.powi(3));
    let kurtosis = (n >= 4 && sd > 0.0).then(|| {
        nf * (nf + 1.0) / ((nf - 1.0) * (nf - 2.0) * (nf - 3.0)) * m4 / sd.powi(4)
            - 3.0 * (nf - 1.0).powi(2) / ((nf - 2.0) * (nf - 3.0))
    });

    let mut items = Vec::with_capacity(k);
    let mut sum_item_var = 0.0;
    for i in 0..k {
        let get = |s: &str| scalar(&out, &format!("i{i}_{s}"));
        let max = m.max[i];
        let facility = 100.0 * need(get("mean")?, "an item mean")? / max;
        let sd_i = get("sd")?.unwrap_or(0.0);
        sum_item_var += get("var")?.unwrap_or(0.0);
        let discrimination_index = get("r")?.map(|r| 100.0 * r);
        let discriminative_efficiency = match (get("cov")?, get("covmax")?) {
            (Some(c), Some(cm)) if cm > 0.0 => Some(100.0 * c / cm),
            _ => None,
        };
        let mut flags = Vec::new();
        match discrimination_index {
            Some(d) if d < 0.0 => flags.push(
                "negative discrimination: stronger candidates do worse on it; check the key".into(),
            ),
            Some(d) if d < 10.0 => flags.push(
                "discrimination near zero: it does not separate stronger from weaker candidates"
                    .into(),
            ),
            _ => {}
        }
        if facility > 95.0 {
            flags.push("facility above 95%: almost everyone gets it right".into());
        } else if facility < 10.0 {
            flags.push(
                "facility below 10%: almost nobody gets it right; check the key and wording".into(),
            );
        }
        items.push(ItemStats {
            item: m.items[i].clone(),
            max,
            facility,
            sd: 100.0 * sd_i / max,
            discrimination_index,
            discriminative_efficiency,
            flags,
        });
    }

    let alpha = (k >= 2 && var_total > 0.0)
        .then(|| k as f64 / (k as f64 - 1.0) * (1.0 - sum_item_var / var_total));
    let error_ratio = alpha.map(|a| 100.0 * (1.0 - a).max(0.0).sqrt());
    let reliability = Reliability {
        alpha,
        coefficient_of_internal_consistency: alpha.map(|a| 100.0 * a),
        error_ratio,
        standard_error: error_ratio.map(|e| e / 100.0 * sd),
    };

    let width = max_possible / bins as f64;
    let mut histogram: Vec<Bin> = (0..bins)
        .map(|b| Bin {
            from: b as f64 * width,
            to: (b + 1) as f64 * width,
            count: 0,
        })
        .collect();
    for t in &totals {
        let b = ((t / width).floor() as usize).min(bins - 1);
        histogram[b].count += 1;
    }

    let summary = Summary {
        attempts: n,
        max_possible,
        mean,
        median: need(scalar(&out, "median")?, "the median")?,
        sd,
        min: need(scalar(&out, "min")?, "the minimum")?,
        max: need(scalar(&out, "max")?, "the maximum")?,
        pass_mark_pct,
        pass_rate_pct: 100.0 * scalar(&out, "pass_rate")?.unwrap_or(0.0),
        skewness,
        kurtosis,
    };
    Ok(Analysis {
        summary,
        reliability,
        items,
        histogram,
    })
}
