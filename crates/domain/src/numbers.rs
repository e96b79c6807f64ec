//! Numbers as candidates write them. A numeric answer is graded as the number
//! it means, whichever convention the candidate's screen and schooling use.
//!
//! The rule, in order:
//! 1. Surrounding whitespace is ignored; `+`, `-` or the minus sign `−` may lead.
//! 2. Spaces between digits (ordinary, no-break, narrow no-break, thin) group
//!    thousands.
//! 3. When both `.` and `,` appear, the one written last is the decimal
//!    separator (it must appear once) and the other groups thousands:
//!    `1.234,5` and `1,234.5` are both 1234.5.
//! 4. When only one of them appears: once, it is the decimal separator (`9,81`
//!    is 9.81, and so the ambiguous `1,234` is 1.234, as French and most
//!    European screens write it); several times, it groups thousands
//!    (`1,234,567`, `1.234.567`).
//! 5. Grouped digits come in threes after the first group (one to three
//!    digits); anything else is no number (`1 23,5`, `1,23,4567`).
//! 6. An exponent (`e` or `E`, optionally signed) may follow: `9,81e0`.
//! 7. The result must be finite: `inf` and `NaN` are no answers.

/// Characters that group thousands wherever they stand between digits.
fn is_space_group(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// The number `text` means under the rule above, or `None`.
pub fn parse_written(text: &str) -> Option<f64> {
    let t = text.trim();
    let (sign, rest) = match t.chars().next()? {
        '+' => ("", &t[1..]),
        '-' => ("-", &t[1..]),
        '\u{2212}' => ("-", &t['\u{2212}'.len_utf8()..]),
        _ => ("", t),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if let Some(e) = exponent {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    if !mantissa
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || is_space_group(c))
    {
        return None;
    }
    let dots = mantissa.matches('.').count();
    let commas = mantissa.matches(',').count();
    // (decimal separator, grouping punctuation)
    let (decimal, grouping) = match (dots, commas) {
        (0, 0) => (None, None),
        (1, 0) => (Some('.'), None),
        (0, 1) => (Some(','), None),
        (_, 0) => (None, Some('.')),
        (0, _) => (None, Some(',')),
        _ => {
            let last = mantissa.rfind(['.', ','])?;
            let d = mantissa[last..].chars().next()?;
            let (dec, grp) = if d == '.' { ('.', ',') } else { (',', '.') };
            if mantissa.matches(dec).count() != 1 {
                return None;
            }
            (Some(dec), Some(grp))
        }
    };
    let (int_part, frac) = match decimal {
        Some(d) => {
            let (i, f) = mantissa.split_once(d)?;
            (i, f)
        }
        None => (mantissa, ""),
    };
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let grouped = int_part
        .chars()
        .any(|c| is_space_group(c) || Some(c) == grouping);
    let int_digits: String = if grouped {
        let groups: Vec<&str> = int_part
            .split(|c: char| is_space_group(c) || Some(c) == grouping)
            .collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        let digits_ok = groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
        if !(first_ok && rest_ok && digits_ok) {
            return None;
        }
        groups.concat()
    } else {
        int_part.to_owned()
    };
    if int_digits.is_empty() && frac.is_empty() {
        return None;
    }
    let canonical = format!(
        "{sign}{}.{}{}",
        if int_digits.is_empty() {
            "0"
        } else {
            &int_digits
        },
        if frac.is_empty() { "0" } else { frac },
        exponent.map(|e| format!("e{e}")).unwrap_or_default()
    );
    canonical.parse::<f64>().ok().filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::parse_written;

    #[test]
    fn numbers_are_read_as_candidates_write_them() {
        let cases: &[(&str, Option<f64>, &str)] = &[
            ("42", Some(42.0), "an integer"),
            (" 4.2e1 ", Some(42.0), "scientific notation"),
            ("9,81", Some(9.81), "a decimal comma"),
            ("9.81", Some(9.81), "a decimal point"),
            (
                "1,234",
                Some(1.234),
                "one comma is the decimal comma, always",
            ),
            ("1.234", Some(1.234), "one point is the decimal point"),
            ("1,234,567", Some(1_234_567.0), "commas grouping thousands"),
            ("1.234.567", Some(1_234_567.0), "points grouping thousands"),
            (
                "1.234,5",
                Some(1234.5),
                "the last separator is the decimal one",
            ),
            (
                "1,234.5",
                Some(1234.5),
                "the last separator is the decimal one",
            ),
            (
                "1 234 567,89",
                Some(1_234_567.89),
                "spaces grouping thousands",
            ),
            ("1\u{202f}234,5", Some(1234.5), "a narrow no-break space"),
            ("\u{2212}3,5", Some(-3.5), "the minus sign"),
            ("+3", Some(3.0), "a plus sign"),
            (",5", Some(0.5), "no integer part"),
            ("9,", Some(9.0), "no fraction digits, as Rust reads 9."),
            ("9,81E-1", Some(0.981), "a comma and a signed exponent"),
            ("1,234.5,6", None, "the decimal separator twice"),
            ("1.234.5", None, "uneven point groups"),
            ("1 23", None, "a group of two"),
            ("12 3456", None, "a group of four"),
            ("9,,81", None, "an empty group"),
            ("", None, "nothing"),
            ("-", None, "a sign alone"),
            (",", None, "a separator alone"),
            ("1e", None, "an exponent without digits"),
            ("1e+", None, "an exponent sign without digits"),
            ("1-2", None, "a minus inside"),
            ("NaN", None, "not a number"),
            ("inf", None, "not finite"),
            ("1e400", None, "too large to be finite"),
            ("forty-two", None, "words"),
            ("٣", None, "other scripts' digits are not read"),
        ];
        for (text, want, why) in cases {
            let got = parse_written(text);
            match (got, want) {
                (Some(g), Some(w)) => {
                    assert!((g - w).abs() < 1e-12, "{text:?}: {g} ≠ {w} -- {why}")
                }
                (None, None) => {}
                _ => panic!("{text:?}: got {got:?}, wanted {want:?} -- {why}"),
            }
        }
    }
}
