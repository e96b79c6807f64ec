//! Score matrices, and reading them from CSV with errors that say where.

use crate::{AnalyticsError, Result};
use std::io::Read;

/// Marks per attempt (rows) and item (columns), with each item's maximum. The
/// marks are held as a polars DataFrame (one Float64 column per item).
#[derive(Debug, Clone)]
pub struct ScoreMatrix {
    pub items: Vec<String>,
    pub max: Vec<f64>,
    pub ids: Vec<String>,
    pub(crate) frame: polars::prelude::DataFrame,
}

impl ScoreMatrix {
    pub fn new(
        items: Vec<String>,
        max: Vec<f64>,
        ids: Vec<String>,
        columns: Vec<Vec<f64>>,
    ) -> Result<ScoreMatrix> {
        if items.is_empty() {
            return Err(AnalyticsError::Invalid(
                "there are no items to analyse".into(),
            ));
        }
        if max.len() != items.len() || columns.len() != items.len() {
            return Err(AnalyticsError::Invalid(format!(
                "{} items but {} maxima and {} columns",
                items.len(),
                max.len(),
                columns.len()
            )));
        }
        if let Some((name, m)) = items
            .iter()
            .zip(&max)
            .find(|(_, m)| !(m.is_finite() && **m > 0.0))
        {
            return Err(AnalyticsError::Invalid(format!(
                "item {name:?}: maximum mark must be positive (got {m})"
            )));
        }
        let n = ids.len();
        if n == 0 {
            return Err(AnalyticsError::Invalid(
                "there are no attempts to analyse".into(),
            ));
        }
        if let Some((name, c)) = items.iter().zip(&columns).find(|(_, c)| c.len() != n) {
            return Err(AnalyticsError::Invalid(format!(
                "item {name:?} has {} marks for {n} attempts",
                c.len()
            )));
        }
        let cols = items
            .iter()
            .zip(columns)
            .map(|(name, v)| polars::prelude::Column::new(name.as_str().into(), v))
            .collect();
        let frame = polars::prelude::DataFrame::new(n, cols)?;
        Ok(ScoreMatrix {
            items,
            max,
            ids,
            frame,
        })
    }

    /// The marks of item `i`, one per attempt.
    pub fn column(&self, i: usize) -> Result<Vec<f64>> {
        let c = self.frame.column(self.items[i].as_str())?;
        Ok(c.f64()?.into_no_null_iter().collect())
    }

    pub fn attempts(&self) -> usize {
        self.ids.len()
    }

    /// Reads a CSV: a header row of names, then one row per attempt. `source_name`
    /// is used in error messages (usually the file name).
    pub fn from_csv(
        reader: impl Read,
        source_name: &str,
        opts: &CsvOptions,
    ) -> Result<ScoreMatrix> {
        let err = |line: u64, column: Option<&str>, message: String| AnalyticsError::Input {
            source_name: source_name.to_owned(),
            line,
            column: column.map(str::to_owned),
            message,
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(reader);
        let headers = rdr
            .headers()
            .map_err(|e| err(1, None, format!("cannot read the header row: {e}")))?
            .clone();
        let find = |name: &Option<String>, flag: &str| -> Result<Option<usize>> {
            match name {
                None => Ok(None),
                Some(n) => headers
                    .iter()
                    .position(|h| h == n)
                    .map(Some)
                    .ok_or_else(|| {
                        err(
                            1,
                            None,
                            format!(
                                "{flag} {n:?} is not in the header ({})",
                                headers.iter().collect::<Vec<_>>().join(", ")
                            ),
                        )
                    }),
            }
        };
        let id_col = find(&opts.id_column, "--id-column")?;
        let total_col = find(&opts.total_column, "--total-column")?;
        let item_idx: Vec<usize> = (0..headers.len())
            .filter(|i| Some(*i) != id_col && Some(*i) != total_col)
            .collect();
        let items: Vec<String> = item_idx.iter().map(|i| headers[*i].to_owned()).collect();
        if let Some(i) = item_idx.iter().find(|i| headers[**i].is_empty()) {
            return Err(err(1, None, format!("column {} has no name", i + 1)));
        }
        let max = match &opts.max {
            None => vec![1.0; items.len()],
            Some(m) if m.len() == items.len() => m.clone(),
            Some(m) => {
                return Err(err(
                    1,
                    None,
                    format!(
                        "--max gives {} maxima but there are {} items ({})",
                        m.len(),
                        items.len(),
                        items.join(", ")
                    ),
                ))
            }
        };
        let mut ids = Vec::new();
        let mut columns = vec![Vec::new(); items.len()];
        for (row_no, record) in rdr.records().enumerate() {
            let line = record
                .as_ref()
                .ok()
                .and_then(|r| r.position())
                .map_or(row_no as u64 + 2, |p| p.line());
            let record = record.map_err(|e| err(line, None, e.to_string()))?;
            if record.len() != headers.len() {
                return Err(err(
                    line,
                    None,
                    format!(
                        "{} fields where the header has {}",
                        record.len(),
                        headers.len()
                    ),
                ));
            }
            ids.push(id_col.map_or_else(|| (row_no + 1).to_string(), |i| record[i].to_owned()));
            for (k, &i) in item_idx.iter().enumerate() {
                let cell = &record[i];
                let name = &items[k];
                let v: f64 = cell
                    .parse()
                    .ok()
                    .filter(|v: &f64| v.is_finite())
                    .ok_or_else(|| {
                        err(
                            line,
                            Some(name),
                            format!("{cell:?} is not a mark (a number is expected)"),
                        )
                    })?;
                if v < 0.0 || v > max[k] + 1e-9 {
                    return Err(err(
                        line,
                        Some(name),
                        format!("mark {v} is outside 0..={}", max[k]),
                    ));
                }
                columns[k].push(v);
            }
        }
        ScoreMatrix::new(items, max, ids, columns)
    }
}

/// How to read a score CSV.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// A column naming the attempt (not an item).
    pub id_column: Option<String>,
    /// A column with each attempt's total, ignored for the item maths.
    pub total_column: Option<String>,
    /// Each item's maximum mark, in column order; 1 for every item when absent.
    pub max: Option<Vec<f64>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(csv: &str, opts: &CsvOptions) -> Result<ScoreMatrix> {
        ScoreMatrix::from_csv(csv.as_bytes(), "scores.csv", opts)
    }

    #[test]
    fn reads_ids_items_and_ignores_the_total() {
        let opts = CsvOptions {
            id_column: Some("id".into()),
            total_column: Some("sum".into()),
            max: Some(vec![1.0, 2.0]),
        };
        let m = read("id,a,b,sum\nx,1,2,3\ny,0,1.5,1.5\n", &opts).unwrap();
        assert_eq!(m.items, vec!["a", "b"]);
        assert_eq!(m.ids, vec!["x", "y"]);
        assert_eq!(m.column(0).unwrap(), vec![1.0, 0.0]);
        assert_eq!(m.column(1).unwrap(), vec![2.0, 1.5]);
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let e = read("a,b\n1,0\n1,oops\n", &CsvOptions::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "scores.csv, line 3, column \"b\": \"oops\" is not a mark (a number is expected)"
        );
        let e = read("a,b\n1,0\n2,0\n", &CsvOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("outside 0..=1"), "{e}");
        let e = read("a,b\n1\n", &CsvOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        let e = read(
            "a,b\n1,1\n",
            &CsvOptions {
                max: Some(vec![1.0]),
                ..Default::default()
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("--max gives 1 maxima but there are 2 items"),
            "{e}"
        );
        let e = read(
            "a,b\n1,1\n",
            &CsvOptions {
                id_column: Some("who".into()),
                ..Default::default()
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("--id-column \"who\" is not in the header"),
            "{e}"
        );
        assert!(
            read("a,b\n", &CsvOptions::default()).is_err(),
            "no attempts"
        );
    }
}
