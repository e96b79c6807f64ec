//! Tabular exports: CSV (one table) and XLSX (one sheet per table).

/// A cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    Empty,
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Value {
        if x.is_finite() {
            Value::Number(x)
        } else {
            Value::Empty
        }
    }
}
impl From<Option<f64>> for Value {
    fn from(x: Option<f64>) -> Value {
        x.map_or(Value::Empty, Value::from)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

/// A named table: the sheet name in XLSX.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
/// leading apostrophe, so a candidate's name cannot become a formula.
fn defuse(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// RFC 4180 CSV with a header row; numbers as written by Rust (a `.` decimal point).
pub fn to_csv(t: &Table) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&t.headers)?;
    for row in &t.rows {
        w.write_record(row.iter().map(|v| match v {
            Value::Text(s) => defuse(s).into_owned(),
            Value::Number(x) => x.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Empty => String::new(),
        }))?;
    }
    w.into_inner()
        .map_err(|e| ExportError::Csv(csv::Error::from(e.into_error())))
}

/// One workbook, one worksheet per table, header row bold and frozen.
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for t in tables {
        let sheet = book.add_worksheet();
        // Sheet names are at most 31 characters.
        sheet.set_name(t.name.chars().take(31).collect::<String>())?;
        for (c, h) in t.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Value::Text(s) => {
                        sheet.write_string(r, c, s.as_str())?;
                    }
                    Value::Number(x) => {
                        sheet.write_number(r, c, *x)?;
                    }
                    Value::Bool(b) => {
                        sheet.write_boolean(r, c, *b)?;
                    }
                    Value::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            name: "Results".into(),
            headers: vec![
                "candidate".into(),
                "total".into(),
                "passed".into(),
                "alpha".into(),
            ],
            rows: vec![
                vec![
                    "Zoë, \"the\" best".into(),
                    8.5.into(),
                    true.into(),
                    None.into(),
                ],
                vec![
                    "=HYPERLINK(\"x\")".into(),
                    3.0.into(),
                    false.into(),
                    Some(0.5).into(),
                ],
            ],
        }
    }

    #[test]
    fn csv_quotes_commas_and_defuses_formulas() {
        let text = String::from_utf8(to_csv(&table()).unwrap()).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(&rows[0][0], "Zoë, \"the\" best");
        assert_eq!(&rows[0][1], "8.5");
        assert_eq!(&rows[0][2], "true");
        assert_eq!(&rows[0][3], "");
        assert_eq!(&rows[1][0], "'=HYPERLINK(\"x\")");
        assert_eq!(&rows[1][3], "0.5");
    }

    #[test]
    fn xlsx_is_a_zip_with_a_sheet_per_table() {
        let mut second = table();
        second.name = "Item analysis with a very long sheet name".into();
        let bytes = to_xlsx(&[table(), second]).unwrap();
        assert_eq!(&bytes[..2], b"PK", "an XLSX file is a zip");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("xl/worksheets/sheet2.xml"));
    }
}
