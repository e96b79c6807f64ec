//! Questions whose numbers differ per attempt (Moodle's calculated types, QTI
//! templates). The values come from the attempt's id, as orders do
//! ([`crate::shuffle`]): the same attempt shows the same numbers after a reload,
//! after a crash and on another machine, and it is graded with them. A
//! calculated question is made concrete for one attempt by
//! [`Question::for_attempt`](crate::Question::for_attempt): a numeric question
//! (several accepted values) or a choice, with the values written into its text.
//!
//! Formulas are arithmetic over the variables, written `{x}` or `x`: `+ - * / ^`,
//! `%` as `fmod`, and Moodle's functions (`sqrt`, `pow`, `abs`, `exp`, `log` (natural),
//! `log10`, `sin`… `atan2`, `floor`, `ceil`, `round`, `min`, `max`, `pi()`).

use crate::question::{NumericAnswer, ScoredOption, Tolerance};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A named value of a calculated question, drawn once per attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variable {
    pub name: String,
    pub draw: Draw,
}

/// How a variable gets its value for an attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Draw {
    /// Moodle's dataset items: the attempt's variant `k` takes item `k` of every
    /// such variable, so values that belong together stay together.
    Items { values: Vec<f64> },
    /// An integer from `min` to `max` in steps of `step`.
    Integer { min: i64, max: i64, step: i64 },
    /// A number from `min` to `max` with `decimals` decimals.
    Decimal { min: f64, max: f64, decimals: u32 },
    /// One of these values.
    OneOf { values: Vec<f64> },
    /// Computed from the variables before it.
    Formula { formula: String },
    /// A list of texts (QTI's ordered string values), not a number: the text
    /// shows entry `k` (from 0) as `{name[k]}`, where `k` may be a formula.
    Texts { values: Vec<String> },
}

/// An accepted answer: a formula over the variables, with a tolerance and a
/// share of the marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormulaAnswer {
    pub formula: String,
    pub tolerance: Tolerance,
    /// Share of the question's marks, 0 to 1.
    pub credit: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

/// An option of a calculated choice: its text may hold `{x}` and `{=formula}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormulaOption {
    pub id: String,
    pub text: String,
    /// Share of the question's marks, from -1 to 1.
    pub credit: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

/// What the candidate gives: a number, or a choice among computed options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CalculatedAnswer {
    Numeric {
        answers: Vec<FormulaAnswer>,
    },
    Choice {
        options: Vec<FormulaOption>,
        multiple: bool,
    },
}

/// What is wrong with a formula or a variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CalcError(pub String);

/// The value of `formula` with `values` for its variables: Moodle's formula
/// language, in floating point throughout as PHP computes it (`1/2` is 0.5).
/// Written here rather than taken from an expression crate: the maintained ones
/// divide integers as integers, and the float-only ones are unmaintained.
pub fn evaluate(formula: &str, values: &BTreeMap<String, f64>) -> Result<f64, CalcError> {
    let fail = |what: &str| CalcError(format!("formula {formula:?}: {what}"));
    let mut p = Parser {
        src: formula.as_bytes(),
        at: 0,
        values,
    };
    let v = p.expr(0).map_err(|e| fail(&e))?;
    p.space();
    if p.at < p.src.len() {
        return Err(fail(&format!("unexpected {:?} at {}", p.rest(), p.at + 1)));
    }
    if v.is_finite() {
        Ok(v)
    } else {
        Err(fail(&format!("gives {v} with {values:?}")))
    }
}

struct Parser<'a> {
    src: &'a [u8],
    at: usize,
    values: &'a BTreeMap<String, f64>,
}

impl Parser<'_> {
    fn rest(&self) -> String {
        String::from_utf8_lossy(&self.src[self.at..])
            .chars()
            .take(12)
            .collect()
    }
    fn space(&mut self) {
        while self.src.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }
    fn eat(&mut self, token: &str) -> bool {
        self.space();
        if self.src[self.at..].starts_with(token.as_bytes()) {
            self.at += token.len();
            true
        } else {
            false
        }
    }
    /// Binary operators by precedence climbing: `+ -`, then `* / %`.
    fn expr(&mut self, depth: usize) -> Result<f64, String> {
        if depth > 64 {
            return Err("nested too deep".into());
        }
        let mut left = self.term(depth)?;
        loop {
            if self.eat("+") {
                left += self.term(depth)?;
            } else if self.eat("-") {
                left -= self.term(depth)?;
            } else {
                return Ok(left);
            }
        }
    }
    fn term(&mut self, depth: usize) -> Result<f64, String> {
        let mut left = self.unary(depth)?;
        loop {
            if self.src[self.at..].starts_with(b"**") {
                return Ok(left);
            } else if self.eat("*") {
                left *= self.unary(depth)?;
            } else if self.eat("/") {
                left /= self.unary(depth)?;
            } else if self.eat("%") {
                left %= self.unary(depth)?;
            } else {
                return Ok(left);
            }
        }
    }
    /// A sign binds looser than a power: `-2^2` is -4, as in PHP's `-2**2`.
    fn unary(&mut self, depth: usize) -> Result<f64, String> {
        if self.eat("-") {
            return Ok(-self.unary(depth + 1)?);
        }
        if self.eat("+") {
            return self.unary(depth + 1);
        }
        let base = self.atom(depth)?;
        if self.eat("**") || self.eat("^") {
            return Ok(base.powf(self.unary(depth + 1)?));
        }
        Ok(base)
    }
    fn atom(&mut self, depth: usize) -> Result<f64, String> {
        self.space();
        let start = self.at;
        let c = *self.src.get(self.at).ok_or("ends too soon")?;
        if c == b'(' {
            self.at += 1;
            let v = self.expr(depth + 1)?;
            return if self.eat(")") {
                Ok(v)
            } else {
                Err(format!("a ( is not closed at {}", self.at + 1))
            };
        }
        if c.is_ascii_digit() || c == b'.' {
            while self
                .src
                .get(self.at)
                .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
            {
                self.at += 1;
            }
            if matches!(self.src.get(self.at), Some(b'e' | b'E')) {
                let save = self.at;
                self.at += 1;
                if matches!(self.src.get(self.at), Some(b'+' | b'-')) {
                    self.at += 1;
                }
                if self.src.get(self.at).is_some_and(u8::is_ascii_digit) {
                    while self.src.get(self.at).is_some_and(u8::is_ascii_digit) {
                        self.at += 1;
                    }
                } else {
                    self.at = save;
                }
            }
            let text = std::str::from_utf8(&self.src[start..self.at]).unwrap_or("");
            return text
                .parse::<f64>()
                .map_err(|_| format!("{text:?} is not a number"));
        }
        // A variable, written {x} (Moodle) or x, or a function call.
        let braced = c == b'{';
        if braced {
            self.at += 1;
            self.space();
        }
        let name_start = self.at;
        while self
            .src
            .get(self.at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            self.at += 1;
        }
        let name = std::str::from_utf8(&self.src[name_start..self.at]).unwrap_or("");
        if name.is_empty() || name.as_bytes()[0].is_ascii_digit() {
            self.at = start;
            return Err(format!("unexpected {:?} at {}", self.rest(), start + 1));
        }
        if braced {
            if !self.eat("}") {
                return Err(format!("{{{name} is not closed with }}"));
            }
            return self.variable(name);
        }
        if self.eat("(") {
            let mut args = vec![];
            if !self.eat(")") {
                loop {
                    args.push(self.expr(depth + 1)?);
                    if self.eat(")") {
                        break;
                    }
                    if !self.eat(",") {
                        return Err(format!("expected , or ) in {name}(…)"));
                    }
                }
            }
            return call(name, &args);
        }
        match name {
            "pi" | "M_PI" => Ok(std::f64::consts::PI),
            _ => self.variable(name),
        }
    }
    fn variable(&self, name: &str) -> Result<f64, String> {
        self.values
            .get(name)
            .copied()
            .ok_or_else(|| format!("{name} is not a variable of this question"))
    }
}

/// Moodle's functions (PHP's, by the same names).
fn call(name: &str, a: &[f64]) -> Result<f64, String> {
    let one = |f: fn(f64) -> f64| match a {
        [x] => Ok(f(*x)),
        _ => Err(format!("{name}() takes one number")),
    };
    let two = |f: fn(f64, f64) -> f64| match a {
        [x, y] => Ok(f(*x, *y)),
        _ => Err(format!("{name}() takes two numbers")),
    };
    match name {
        "abs" => one(f64::abs),
        "acos" => one(f64::acos),
        "acosh" => one(f64::acosh),
        "asin" => one(f64::asin),
        "asinh" => one(f64::asinh),
        "atan" => one(f64::atan),
        "atanh" => one(f64::atanh),
        "ceil" => one(f64::ceil),
        "cos" => one(f64::cos),
        "cosh" => one(f64::cosh),
        "deg2rad" => one(f64::to_radians),
        "exp" => one(f64::exp),
        "expm1" => one(f64::exp_m1),
        "floor" => one(f64::floor),
        "log10" => one(f64::log10),
        "log1p" => one(f64::ln_1p),
        "rad2deg" => one(f64::to_degrees),
        "sin" => one(f64::sin),
        "sinh" => one(f64::sinh),
        "sqrt" => one(f64::sqrt),
        "tan" => one(f64::tan),
        "tanh" => one(f64::tanh),
        // QTI truncate (written by the QTI importer); PHP spells it intval.
        "trunc" | "intval" => one(f64::trunc),
        "atan2" => two(f64::atan2),
        "fmod" => two(|x, y| x % y),
        "pow" => two(f64::powf),
        "pi" if a.is_empty() => Ok(std::f64::consts::PI),
        "log" => match a {
            [x] => Ok(x.ln()),
            [x, base] => Ok(x.ln() / base.ln()),
            _ => Err("log() takes a number and an optional base".into()),
        },
        // PHP rounds half away from zero, as f64::round does.
        "round" => match a {
            [x] => Ok(x.round()),
            [x, d] => {
                let f = 10f64.powi(*d as i32);
                Ok((x * f).round() / f)
            }
            _ => Err("round() takes a number and an optional precision".into()),
        },
        // Conditions (QTI's templateConstraint): 1 when true, 0 when false.
        "lt" => two(|x, y| f64::from(x < y)),
        "lte" => two(|x, y| f64::from(x <= y)),
        "gt" => two(|x, y| f64::from(x > y)),
        "gte" => two(|x, y| f64::from(x >= y)),
        "eq" => two(|x, y| f64::from(x == y)),
        "ne" => two(|x, y| f64::from(x != y)),
        "not" => one(|x| f64::from(x == 0.0)),
        "and" => Ok(f64::from(a.iter().all(|x| *x != 0.0))),
        "or" => Ok(f64::from(a.iter().any(|x| *x != 0.0))),
        "gcd" | "lcm" if !a.is_empty() => {
            if a.iter().any(|x| x.fract() != 0.0 || x.abs() > 9.0e15) {
                return Err(format!("{name}() takes whole numbers"));
            }
            let gcd = |mut x: u64, mut y: u64| {
                while y != 0 {
                    (x, y) = (y, x % y);
                }
                x
            };
            let ints = a.iter().map(|x| x.abs() as u64);
            Ok(if name == "gcd" {
                ints.fold(0, gcd) as f64
            } else {
                ints.fold(1u64, |l, x| {
                    if l == 0 || x == 0 {
                        0
                    } else {
                        (l / gcd(l, x)).saturating_mul(x)
                    }
                }) as f64
            })
        }
        "min" | "max" if !a.is_empty() => Ok(a
            .iter()
            .copied()
            .reduce(if name == "min" { f64::min } else { f64::max })
            .unwrap_or(0.0)),
        _ => Err(format!("{name}() is not a function Examhall knows")),
    }
}

fn round_to(x: f64, decimals: u32) -> f64 {
    let f = 10f64.powi(decimals.min(12) as i32);
    (x * f).round() / f
}

/// How many times values are drawn again when they break a constraint (QTI's
/// `templateConstraint` says 100; after that the last draw stands).
pub const CONSTRAINT_TRIES: usize = 100;

/// The values of `vars` for this attempt of question `question_id`. When
/// `constraints` are given (conditions over the variables; one that computes to
/// 0 is broken), the values are drawn again, by the same rule with the try's
/// number in the salt, until every constraint holds, at most
/// [`CONSTRAINT_TRIES`] times. The first draw is the one a question without
/// constraints gets.
pub fn values_for(
    vars: &[Variable],
    constraints: &[String],
    attempt_id: &str,
    question_id: &str,
) -> Result<BTreeMap<String, f64>, CalcError> {
    let mut values = draw(vars, attempt_id, question_id, 0)?;
    for attempt in 1..CONSTRAINT_TRIES {
        let mut holds = true;
        for c in constraints {
            if evaluate(c, &values)? == 0.0 {
                holds = false;
                break;
            }
        }
        if holds {
            break;
        }
        values = draw(vars, attempt_id, question_id, attempt)?;
    }
    Ok(values)
}

fn draw(
    vars: &[Variable],
    attempt_id: &str,
    question_id: &str,
    retry: usize,
) -> Result<BTreeMap<String, f64>, CalcError> {
    use crate::shuffle::pick;
    let again = if retry == 0 {
        String::new()
    } else {
        format!(":{retry}")
    };
    let items = vars
        .iter()
        .filter_map(|v| match &v.draw {
            Draw::Items { values } => Some(values.len()),
            _ => None,
        })
        .min();
    let variant = items.map(|n| pick(n, attempt_id, &format!("variant:{question_id}{again}")));
    let mut values = BTreeMap::new();
    for v in vars {
        let salt = format!("value:{question_id}:{}{again}", v.name);
        let x = match &v.draw {
            Draw::Items { values } => values[variant.unwrap_or(0)],
            Draw::Integer { min, max, step } => {
                let step = (*step).max(1);
                let n = ((max - min) / step).max(0) as usize + 1;
                (min + step * pick(n, attempt_id, &salt) as i64) as f64
            }
            Draw::Decimal { min, max, decimals } => {
                let unit = 10f64.powi(-((*decimals).min(9) as i32));
                let n = (((max - min) / unit).floor().max(0.0) as usize).min(1_000_000_000) + 1;
                round_to(min + unit * pick(n, attempt_id, &salt) as f64, *decimals)
            }
            Draw::OneOf { values } => values[pick(values.len(), attempt_id, &salt)],
            Draw::Formula { formula } => evaluate(formula, &values)?,
            Draw::Texts { .. } => continue,
        };
        values.insert(v.name.clone(), x);
    }
    Ok(values)
}

/// A number as a candidate reads it: no trailing zeros, at most 10 significant
/// decimals (0.1 + 0.2 shows as 0.3).
pub fn show(x: f64) -> String {
    let r = round_to(x, 10);
    let s = format!("{r}");
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// `text` with `{x}` replaced by x's value, `{=formula}` by the formula's (the
/// formula may hold braces of its own: `{={a}*{b}}`) and `{list[k]}` by entry
/// `k` of a list of texts among `vars`. Braces that name no variable are left
/// as they are.
pub fn fill(
    text: &str,
    values: &BTreeMap<String, f64>,
    vars: &[Variable],
) -> Result<String, CalcError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        // The matching close brace.
        let mut depth = 0;
        let close = rest[open..].char_indices().find_map(|(i, c)| {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(open + i);
                    }
                }
                _ => {}
            }
            None
        });
        let Some(close) = close else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let inner = &rest[open + 1..close];
        if let Some(formula) = inner.strip_prefix('=') {
            out.push_str(&show(evaluate(formula, values)?));
        } else if let Some(v) = values.get(inner.trim()) {
            out.push_str(&show(*v));
        } else if let Some(entry) = text_entry(inner, values, vars)? {
            out.push_str(entry);
        } else {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Entry `k` of a list of texts, for `list[k]`; `None` when `inner` is not of
/// that form or names no list.
fn text_entry<'v>(
    inner: &str,
    values: &BTreeMap<String, f64>,
    vars: &'v [Variable],
) -> Result<Option<&'v str>, CalcError> {
    let Some((name, index)) = inner
        .trim()
        .strip_suffix(']')
        .and_then(|s| s.split_once('['))
    else {
        return Ok(None);
    };
    let Some(list) = vars.iter().find_map(|v| match &v.draw {
        Draw::Texts { values } if v.name == name.trim() => Some(values),
        _ => None,
    }) else {
        return Ok(None);
    };
    let k = evaluate(index, values)?;
    if k < 0.0 || k.fract() != 0.0 || k as usize >= list.len() {
        return Err(CalcError(format!(
            "{inner}: entry {k} of a list of {} texts",
            list.len()
        )));
    }
    Ok(Some(list[k as usize].as_str()))
}

/// The concrete key of a calculated answer for these values.
pub(crate) fn numeric_answers(
    answers: &[FormulaAnswer],
    values: &BTreeMap<String, f64>,
) -> Result<Vec<NumericAnswer>, CalcError> {
    answers
        .iter()
        .map(|a| {
            Ok(NumericAnswer {
                value: evaluate(&a.formula, values)?,
                tolerance: a.tolerance,
                credit: a.credit,
                feedback: a.feedback.clone(),
            })
        })
        .collect()
}

pub(crate) fn choice_options(
    options: &[FormulaOption],
    values: &BTreeMap<String, f64>,
    vars: &[Variable],
) -> Result<Vec<ScoredOption>, CalcError> {
    options
        .iter()
        .map(|o| {
            Ok(ScoredOption {
                id: o.id.clone(),
                text: fill(&o.text, values, vars)?,
                credit: o.credit,
                feedback: o.feedback.clone(),
            })
        })
        .collect()
}

/// Checks the variables: names of their own, draws that can be made, formulas
/// that refer only to variables before them.
pub(crate) fn check_variables(vars: &[Variable]) -> Result<(), CalcError> {
    if vars.is_empty() {
        return Err(CalcError(
            "a calculated question needs at least one variable".into(),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for v in vars {
        let ok_name = !v.name.is_empty()
            && v.name.len() <= 32
            && v.name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && v.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok_name {
            return Err(CalcError(format!(
                "variable {:?}: a name is a letter then letters, digits or _",
                v.name
            )));
        }
        if !seen.insert(v.name.as_str()) {
            return Err(CalcError(format!("variable {:?} appears twice", v.name)));
        }
        let bad = match &v.draw {
            Draw::Items { values } | Draw::OneOf { values } => {
                values.is_empty() || values.iter().any(|x| !x.is_finite())
            }
            Draw::Integer { min, max, step } => min > max || *step < 1,
            Draw::Decimal { min, max, decimals } => {
                !(min.is_finite() && max.is_finite()) || min > max || *decimals > 9
            }
            Draw::Formula { .. } => false,
            Draw::Texts { values } => values.is_empty(),
        };
        if bad {
            return Err(CalcError(format!(
                "variable {:?}: {:?} draws no value",
                v.name, v.draw
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Answer, Outcome, Question, QuestionId, QuestionKind};

    fn vals(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    #[test]
    fn formulas_compute_as_moodle_does() {
        let v = vals(&[("a", 3.0), ("b", 4.0)]);
        let e = |f: &str| evaluate(f, &v).unwrap();
        assert_eq!(e("{a}*{b}"), 12.0);
        assert_eq!(e("1/2"), 0.5, "floating point, not integer division");
        assert_eq!(e("2 + 3 * 4"), 14.0);
        assert_eq!(e("(2 + 3) * 4"), 20.0);
        assert_eq!(e("-2^2"), -4.0);
        assert_eq!(e("2**3**2"), 512.0, "right-associative");
        assert_eq!(e("sqrt({a}^2 + {b}^2)"), 5.0);
        assert_eq!(e("pow(a, 2) + fmod(7, 4)"), 12.0);
        assert_eq!(
            e("round(pi() * 100, 0) / 100"),
            (std::f64::consts::PI * 100.0).round() / 100.0
        );
        assert_eq!(e("log(exp(2))"), 2.0);
        assert_eq!(e("max(a, b, 1) - min(a, b)"), 1.0);
        assert_eq!(e("1.5e2 + .5"), 150.5);
        for (bad, says) in [
            ("{c} + 1", "c is not a variable"),
            ("foo(1)", "foo() is not a function"),
            ("(1 + 2", "not closed"),
            ("1 +", "ends too soon"),
            ("1 2", "unexpected"),
            ("1/0", "gives inf"),
            ("sqrt(1, 2)", "takes one number"),
        ] {
            let err = evaluate(bad, &v).unwrap_err().0;
            assert!(err.contains(says), "{bad}: {err}");
            assert!(err.contains(bad), "names the formula: {err}");
        }
    }

    #[test]
    fn text_gets_the_values_and_computed_parts() {
        let v = vals(&[("a", 2.5), ("b", 4.0)]);
        assert_eq!(
            fill("{a} by {b}: {={a}*{b}}, {=0.1+0.2}; {not a var} {", &v, &[]).unwrap(),
            "2.5 by 4: 10, 0.3; {not a var} {"
        );
    }

    #[test]
    fn conditions_and_whole_number_functions() {
        let v = vals(&[("a", 6.0), ("b", 4.0)]);
        let e = |f: &str| evaluate(f, &v).unwrap();
        assert_eq!(e("gcd(a, b)"), 2.0);
        assert_eq!(e("lcm(a, b)"), 12.0);
        assert_eq!(e("gcd(7, 0)"), 7.0);
        assert_eq!(
            (e("lt(b, a)"), e("lt(a, b)"), e("gte(a, 6)"), e("eq(a, b)")),
            (1.0, 0.0, 1.0, 0.0)
        );
        assert_eq!(e("and(gt(a, b), ne(a, 0))"), 1.0);
        assert_eq!(e("or(eq(a, 1), not(1))"), 0.0);
        assert!(evaluate("gcd(1.5, 2)", &v).is_err());
    }

    #[test]
    fn a_list_of_texts_shows_the_entry_its_index_names() {
        let vars = vec![
            Variable {
                name: "i".into(),
                draw: Draw::Integer {
                    min: 0,
                    max: 2,
                    step: 1,
                },
            },
            Variable {
                name: "f".into(),
                draw: Draw::Texts {
                    values: vec!["=A1+A2".into(), "=B1+B2".into(), "=C1+C2".into()],
                },
            },
        ];
        let mut seen = std::collections::BTreeSet::new();
        for n in 0..30 {
            let values = values_for(&vars, &[], &format!("att-{n}"), "q").unwrap();
            assert!(!values.contains_key("f"), "a list is not a number");
            let i = values["i"] as usize;
            let shown = fill("B3 holds {f[i]}; then {f[ i * 1 ]}", &values, &vars).unwrap();
            let entry = ["=A1+A2", "=B1+B2", "=C1+C2"][i];
            assert_eq!(shown, format!("B3 holds {entry}; then {entry}"));
            seen.insert(shown);
        }
        assert_eq!(seen.len(), 3, "every entry is drawn for some attempt");
        let values = vals(&[("i", 3.0)]);
        let err = fill("{f[i]}", &values, &vars).unwrap_err().0;
        assert!(err.contains("entry 3 of a list of 3"), "{err}");
        assert_eq!(fill("{g[i]}", &values, &vars).unwrap(), "{g[i]}");
    }

    #[test]
    fn values_that_break_a_constraint_are_drawn_again_the_same_way_for_an_attempt() {
        let vars = vec![
            Variable {
                name: "a".into(),
                draw: Draw::Integer {
                    min: 1,
                    max: 10,
                    step: 1,
                },
            },
            Variable {
                name: "b".into(),
                draw: Draw::Integer {
                    min: 2,
                    max: 20,
                    step: 1,
                },
            },
        ];
        let constraints = vec!["lt(a, b)".to_owned(), "eq(gcd(a, b), 1)".to_owned()];
        let mut redrawn = 0;
        for n in 0..200 {
            let id = format!("att-{n}");
            let first = values_for(&vars, &[], &id, "q").unwrap();
            let v = values_for(&vars, &constraints, &id, "q").unwrap();
            assert_eq!(v, values_for(&vars, &constraints, &id, "q").unwrap());
            assert!(v["a"] < v["b"], "{v:?}");
            let g = evaluate("gcd(a, b)", &v).unwrap();
            assert_eq!(g, 1.0, "{v:?}");
            if v != first {
                redrawn += 1;
            } else {
                assert!(first["a"] < first["b"], "kept only when it holds");
            }
        }
        assert!(redrawn > 20, "some first draws break them: {redrawn}");
    }

    fn calc(vars: Vec<Variable>, formula: &str) -> Question {
        Question {
            id: QuestionId::parse("vol").unwrap(),
            prompt: "Volume of {l} by {w} by {h}?".into(),
            marks: 2.0,
            penalty: 0.0,
            general_feedback: None,
            kind: QuestionKind::Calculated {
                vars,
                answer: CalculatedAnswer::Numeric {
                    answers: vec![FormulaAnswer {
                        formula: formula.into(),
                        tolerance: Tolerance::Relative(0.01),
                        credit: 1.0,
                        feedback: None,
                    }],
                },
                constraints: vec![],
            },
        }
    }

    #[test]
    fn each_attempt_gets_its_own_values_always_the_same_and_is_graded_with_them() {
        let items = |v: &[f64]| Draw::Items { values: v.to_vec() };
        let q = calc(
            vec![
                Variable {
                    name: "l".into(),
                    draw: items(&[1.0, 2.0, 3.0, 4.0]),
                },
                Variable {
                    name: "w".into(),
                    draw: items(&[10.0, 20.0, 30.0, 40.0]),
                },
                Variable {
                    name: "h".into(),
                    draw: Draw::Integer {
                        min: 2,
                        max: 20,
                        step: 2,
                    },
                },
            ],
            "{l}*{w}*{h}",
        );
        assert_eq!(q.validate(), Ok(()));
        let mut seen = std::collections::BTreeSet::new();
        for n in 0..40 {
            let id = format!("attempt-{n}");
            let a = q.for_attempt(&id).into_owned();
            assert_eq!(a, q.for_attempt(&id).into_owned(), "the same every time");
            let values = values_for(
                match &q.kind {
                    QuestionKind::Calculated { vars, .. } => vars,
                    _ => unreachable!(),
                },
                &[],
                &id,
                "vol",
            )
            .unwrap();
            let (l, w, h) = (values["l"], values["w"], values["h"]);
            // Dataset items travel together: item k of every dataset.
            assert_eq!(w, l * 10.0);
            assert!((2.0..=20.0).contains(&h) && h % 2.0 == 0.0, "{h}");
            assert_eq!(a.prompt, format!("Volume of {l} by {w} by {h}?"));
            seen.insert(a.prompt.clone());
            let right = l * w * h;
            let mark = crate::grade_question(&a, Some(&Answer::Text(right.to_string())), false);
            assert_eq!((mark.awarded, mark.outcome), (2.0, Outcome::Correct));
            let wrong =
                crate::grade_question(&a, Some(&Answer::Text((right * 1.5).to_string())), false);
            assert_eq!(wrong.outcome, Outcome::Incorrect);
        }
        assert!(seen.len() > 10, "attempts differ: {}", seen.len());
    }

    #[test]
    fn an_attempt_whose_numbers_break_a_formula_goes_to_a_teacher_without_the_formula() {
        let q = calc(
            vec![Variable {
                name: "l".into(),
                draw: Draw::Integer {
                    min: 0,
                    max: 0,
                    step: 1,
                },
            }],
            "17 / {l}",
        );
        let sat = q.for_attempt("a1").into_owned();
        assert_eq!(sat.kind, QuestionKind::essay());
        assert!(sat.prompt.contains("A teacher marks it"), "{}", sat.prompt);
        assert!(
            !sat.prompt.contains("17"),
            "the key's formula stays hidden: {}",
            sat.prompt
        );
    }

    #[test]
    fn a_question_whose_formulas_cannot_be_computed_is_refused_by_field() {
        let q = calc(
            vec![Variable {
                name: "l".into(),
                draw: Draw::Items { values: vec![1.0] },
            }],
            "{l} * {w}",
        );
        let p = q.validate().unwrap_err();
        assert_eq!(p.field, "answer");
        assert!(p.problem.contains("w is not a variable"), "{p:?}");
        let q = calc(
            vec![Variable {
                name: "1l".into(),
                draw: Draw::Items { values: vec![1.0] },
            }],
            "1",
        );
        assert_eq!(q.validate().unwrap_err().field, "vars");
        // Division by zero for one dataset item: every variant is tried.
        let q = calc(
            vec![Variable {
                name: "l".into(),
                draw: Draw::Items {
                    values: vec![1.0, 2.0, 0.0, 4.0],
                },
            }],
            "1/{l}",
        );
        assert!(q.validate().unwrap_err().problem.contains("inf"));
    }
}
