//! Account rosters as CSV, the way a centre's office exports them from a
//! spreadsheet: UTF-8 with or without a byte-order mark, `,` or `;` between
//! fields (whichever the header line uses), a header naming the columns.
//!
//! Columns: `username` and `display_name` (required), `candidate_number`,
//! `role` (candidate, invigilator, teacher or admin; default candidate),
//! `time_multiplier` (1.0 to 4.0; default 1), `display_preset` (empty, or
//! `+`-separated `text125`…`text200`, `high-contrast`, `reading-guide`), and
//! `email`. Any other column is refused by name. Each row is checked on its
//! own: a bad row is reported with its line and column and the others still
//! parse, so the caller decides between all-or-nothing and the valid rows.

use examhall_domain::{DisplayPreset, Email, Role, Username};

pub const COLUMNS: [&str; 7] = [
    "username",
    "display_name",
    "candidate_number",
    "role",
    "time_multiplier",
    "display_preset",
    "email",
];

/// One valid row.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    /// The line of the file it came from (the header is line 1).
    pub line: usize,
    pub username: Username,
    pub display_name: String,
    pub candidate_number: Option<String>,
    pub role: Role,
    pub time_multiplier: f64,
    pub display_preset: Option<DisplayPreset>,
    pub email: Option<Email>,
}

/// What is wrong, and where: a line, and the column when one is at fault.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RosterError {
    pub line: usize,
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RosterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// The file read: its valid rows and its errors (a header error stops there).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roster {
    pub rows: Vec<RosterRow>,
    pub errors: Vec<RosterError>,
}

fn err(line: usize, column: Option<&str>, message: impl Into<String>) -> RosterError {
    RosterError {
        line,
        column: column.map(str::to_owned),
        message: message.into(),
    }
}

/// Parses a roster file's bytes.
pub fn parse(bytes: &[u8]) -> Roster {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            return Roster {
                rows: vec![],
                errors: vec![err(
                    line,
                    None,
                    "the file is not UTF-8 text (save it as CSV UTF-8)",
                )],
            };
        }
    };
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|h| h.to_ascii_lowercase().replace(' ', "_"))
            .collect(),
        Err(e) => {
            return Roster {
                rows: vec![],
                errors: vec![err(1, None, format!("the header cannot be read: {e}"))],
            }
        }
    };
    let mut header_errors = Vec::new();
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            header_errors.push(err(
                1,
                Some(h),
                format!(
                    "unknown column {h:?}; the columns are {}",
                    COLUMNS.join(", ")
                ),
            ));
        }
    }
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            header_errors.push(err(1, Some(h), "this column appears twice"));
        }
    }
    for required in ["username", "display_name"] {
        if !headers.iter().any(|h| h == required) {
            header_errors.push(err(
                1,
                Some(required),
                "the header has no such column, which is required",
            ));
        }
    }
    if !header_errors.is_empty() {
        return Roster {
            rows: vec![],
            errors: header_errors,
        };
    }
    let mut out = Roster::default();
    let mut lines = Lines {
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
    };
    let mut seen_names: std::collections::HashMap<String, usize> = Default::default();
    let mut seen_numbers: std::collections::HashMap<String, usize> = Default::default();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.of(p.byte()));
                out.errors
                    .push(err(line, None, format!("the row cannot be read: {e}")));
                continue;
            }
        };
        // From the byte offset: the reader's own line count is off with CRLF.
        let line = record.position().map_or(0, |p| lines.of(p.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != headers.len() {
            out.errors.push(err(
                line,
                None,
                format!(
                    "{} fields where the header has {} (a stray separator?)",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        let get = |col: &str| -> String {
            headers
                .iter()
                .position(|h| h == col)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_owned()
        };
        match row(line, &get) {
            Ok(r) => {
                let mut dup = false;
                if let Some(first) = seen_names.insert(r.username.as_str().to_owned(), line) {
                    out.errors.push(err(
                        line,
                        Some("username"),
                        format!("{:?} is already on line {first}", r.username.as_str()),
                    ));
                    dup = true;
                }
                if let Some(n) = &r.candidate_number {
                    if let Some(first) = seen_numbers.insert(n.clone(), line) {
                        out.errors.push(err(
                            line,
                            Some("candidate_number"),
                            format!("{n:?} is already on line {first}"),
                        ));
                        dup = true;
                    }
                }
                if !dup {
                    out.rows.push(r);
                }
            }
            Err(mut e) => out.errors.append(&mut e),
        }
    }
    out
}

/// Line numbers from byte offsets, counted incrementally (offsets only grow).
struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl Lines<'_> {
    /// The 1-based line of byte offset `byte`.
    fn of(&mut self, byte: u64) -> usize {
        let mut end = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        // A record's offset can sit on the line break before it (CRLF files).
        while end < self.bytes.len() && matches!(self.bytes[end], b'\r' | b'\n') {
            end += 1;
        }
        if end < self.at {
            self.at = 0;
            self.line = 1;
        }
        self.line += self.bytes[self.at..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.at = end;
        self.line
    }
}

fn row(line: usize, get: &dyn Fn(&str) -> String) -> Result<RosterRow, Vec<RosterError>> {
    let mut errors = Vec::new();
    let username = Username::parse(&get("username"))
        .map_err(|e| errors.push(err(line, Some("username"), e.to_string())))
        .ok();
    let display_name = get("display_name");
    if display_name.is_empty() || display_name.chars().count() > 100 {
        errors.push(err(
            line,
            Some("display_name"),
            "must be 1 to 100 characters",
        ));
    }
    let candidate_number = examhall_domain::candidate_number(&get("candidate_number"))
        .map_err(|e| errors.push(err(line, Some("candidate_number"), e.to_string())))
        .unwrap_or(None);
    let role = match get("role").to_ascii_lowercase().as_str() {
        "" => Role::Candidate,
        r => Role::parse(r)
            .map_err(|e| errors.push(err(line, Some("role"), e.to_string())))
            .unwrap_or(Role::Candidate),
    };
    let time_multiplier = match get("time_multiplier").as_str() {
        "" => 1.0,
        t => match t.replace(',', ".").parse::<f64>() {
            Ok(m) if (1.0..=4.0).contains(&m) => m,
            _ => {
                errors.push(err(
                    line,
                    Some("time_multiplier"),
                    format!("{t:?} is not a number from 1.0 to 4.0"),
                ));
                1.0
            }
        },
    };
    let display_preset = match parse_preset(&get("display_preset")) {
        Ok(p) => p,
        Err(m) => {
            errors.push(err(line, Some("display_preset"), m));
            None
        }
    };
    let email = match get("email").as_str() {
        "" => None,
        e => Email::parse(e)
            .map_err(|x| errors.push(err(line, Some("email"), x.to_string())))
            .ok(),
    };
    match username {
        Some(username) if errors.is_empty() => Ok(RosterRow {
            line,
            username,
            display_name,
            candidate_number,
            role,
            time_multiplier,
            display_preset,
            email,
        }),
        _ => Err(errors),
    }
}

/// `text150+high-contrast+reading-guide` (any order; empty: none).
pub fn parse_preset(s: &str) -> Result<Option<DisplayPreset>, String> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let mut p = DisplayPreset::default();
    for token in s.split('+').map(|t| t.trim().to_ascii_lowercase()) {
        match token.as_str() {
            "high-contrast" => p.high_contrast = true,
            "reading-guide" => p.reading_guide = true,
            t if t.starts_with("text") => {
                let pct: u32 = t[4..]
                    .trim_end_matches('%')
                    .parse()
                    .map_err(|_| format!("{token:?}: text size is text100, text125, text150, text175 or text200"))?;
                if !(100..=200).contains(&pct) || !pct.is_multiple_of(25) {
                    return Err(format!(
                        "{token:?}: text size is text100, text125, text150, text175 or text200"
                    ));
                }
                p.text_step = ((pct - 100) / 25) as u8;
            }
            _ => {
                return Err(format!(
                    "{token:?} is not a display setting (text125…text200, high-contrast, reading-guide, joined with +)"
                ))
            }
        }
    }
    Ok(Some(p))
}

/// The short form [`parse_preset`] reads.
pub fn preset_text(p: &DisplayPreset) -> String {
    let mut parts = Vec::new();
    if p.text_step > 0 {
        parts.push(format!("text{}", 100 + 25 * u32::from(p.text_step)));
    }
    if p.high_contrast {
        parts.push("high-contrast".into());
    }
    if p.reading_guide {
        parts.push("reading-guide".into());
    }
    parts.join("+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_separators_with_or_without_a_bom() {
        let comma =
            "username,display_name,candidate_number,time_multiplier\ncand01,Amara Obi,N-1,1.25\n";
        let semi = "\u{feff}username;display_name;candidate_number;time_multiplier\r\ncand01;Amara Obi;N-1;1,25\r\n";
        for text in [comma, semi] {
            let r = parse(text.as_bytes());
            assert!(r.errors.is_empty(), "{:?}", r.errors);
            assert_eq!(r.rows.len(), 1);
            let row = &r.rows[0];
            assert_eq!(
                (
                    row.username.as_str(),
                    row.display_name.as_str(),
                    row.candidate_number.as_deref(),
                    row.role,
                    row.time_multiplier,
                    row.line
                ),
                ("cand01", "Amara Obi", Some("N-1"), Role::Candidate, 1.25, 2)
            );
        }
    }

    #[test]
    fn names_every_bad_field_by_line_and_column_and_keeps_the_good_rows() {
        let text = "username,display_name,role,time_multiplier,display_preset,email\n\
                    ok01,Good Row,,,,\n\
                    x,Bad Name,wizard,9,text130,not-an-email\n\
                    ok02,Also Good,teacher,2,text150+high-contrast,ok@example.org\n\
                    ok01,Again,,,,\n";
        let r = parse(text.as_bytes());
        assert_eq!(r.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        let at: Vec<(usize, Option<&str>)> = r
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            at,
            [
                (3, Some("username")),
                (3, Some("role")),
                (3, Some("time_multiplier")),
                (3, Some("display_preset")),
                (3, Some("email")),
                (5, Some("username")),
            ]
        );
        assert!(r.errors[5].message.contains("line 2"), "{}", r.errors[5]);
        let p = r.rows[1].display_preset.unwrap();
        assert_eq!(
            (p.text_step, p.high_contrast, p.reading_guide),
            (2, true, false)
        );
        assert_eq!(preset_text(&p), "text150+high-contrast");
    }

    #[test]
    fn refuses_unknown_and_missing_columns_by_name() {
        let r = parse(b"username,full_name,password\na,b,c\n");
        let cols: Vec<_> = r.errors.iter().map(|e| e.column.clone().unwrap()).collect();
        assert_eq!(cols, ["full_name", "password", "display_name"]);
        assert!(r.rows.is_empty());
        assert!(r.errors[0].message.contains("unknown column"));
        let r = parse(b"username,display_name\n\xff\xfe,bad\n");
        assert_eq!((r.errors[0].line, r.rows.len()), (2, 0), "{:?}", r.errors);
    }

    #[test]
    fn a_short_row_is_refused_not_misread() {
        let r = parse(b"username,display_name,candidate_number\ncand01,Amara\n\ncand02,Bo,N2\n");
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].line, 2);
    }
}
