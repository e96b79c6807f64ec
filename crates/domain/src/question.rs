//! Questions as authored, with their keys. Keys never leave the backend: the
//! candidate-facing shapes live in `examhall-protocol` and are built from these
//! by an exhaustive match that has nowhere to put a key.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct QuestionId(String);

impl TryFrom<String> for QuestionId {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        QuestionId::parse(&raw)
            .ok_or_else(|| format!("{raw:?} is not a question id (1 to 64 of A-Z a-z 0-9 _ -)"))
    }
}

impl From<QuestionId> for String {
    fn from(id: QuestionId) -> String {
        id.0
    }
}

impl QuestionId {
    /// 1 to 64 characters of `A-Z a-z 0-9 _ -`.
    pub fn parse(raw: &str) -> Option<QuestionId> {
        let ok = (1..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        ok.then(|| QuestionId(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub id: String,
    pub text: String,
}

/// How a multiple-response question is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MultiScoring {
    /// Full marks only for exactly the correct set.
    AllOrNothing,
    /// Each correct pick earns `marks / #correct`; each wrong pick loses
    /// `marks / #incorrect options`; the question's score is floored at 0, so
    /// ticking every box earns nothing.
    Partial,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Tolerance {
    Exact,
    /// Accept `|x - value| <= t`.
    Absolute(f64),
    /// Accept `|x - value| <= r * |value|` (r = 0.05 is ±5%).
    Relative(f64),
}

/// One answer of a choice with its own share of the marks: imported weights
/// (GIFT `%50%`, Moodle XML fractions, QTI `mapResponse`) and per-option feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredOption {
    pub id: String,
    pub text: String,
    /// Share of the question's marks, from -1 (a penalty) to 1.
    pub credit: f64,
    /// Shown with the result when the option was chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

/// One accepted numeric answer with its share of the marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericAnswer {
    pub value: f64,
    pub tolerance: Tolerance,
    /// Share of the question's marks, 0 to 1.
    pub credit: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

/// One accepted text answer (`*` matches any run of characters) with its share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextAnswer {
    pub pattern: String,
    /// Share of the question's marks, 0 to 1.
    pub credit: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

/// A matching question's item and the answer that belongs to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchPair {
    pub id: String,
    pub prompt: String,
    pub answer: String,
}

/// A matching question's own scale: what each right pair earns and what a wrong
/// one loses, in the same units (QTI's mapped values). The question's share is
/// `(right − lost) / Σ weights`, clamped to 0..1: never below nothing, and never
/// more than full marks however the penalties fall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairScores {
    /// One per pair, in the order of `pairs`: what that right pair earns (> 0).
    pub weights: Vec<f64>,
    /// Wrong pairs that lose their own amount.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub penalties: Vec<PairPenalty>,
    /// Lost for any other wrong pair given (0: wrong pairs cost nothing).
    #[serde(default)]
    pub wrong: f64,
}

/// A wrong pair that loses marks: the item's id and the answer's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairPenalty {
    pub item: String,
    pub answer: String,
    /// What choosing this answer for the item loses (≥ 0).
    pub loses: f64,
}

impl PairScores {
    /// The share (0..1) that these answers earn: `given` maps item ids to the
    /// chosen answer's text; blank answers neither earn nor lose.
    pub fn share(
        &self,
        pairs: &[MatchPair],
        given: &std::collections::BTreeMap<String, String>,
        same: impl Fn(&str, &str) -> bool,
    ) -> f64 {
        let total: f64 = self.weights.iter().sum();
        if total <= 0.0 {
            return 0.0;
        }
        let mut earned = 0.0;
        for (pair, weight) in pairs.iter().zip(&self.weights) {
            let Some(chosen) = given.get(&pair.id).filter(|c| !c.trim().is_empty()) else {
                continue;
            };
            if same(chosen, &pair.answer) {
                earned += weight;
            } else {
                earned -= self
                    .penalties
                    .iter()
                    .find(|p| p.item == pair.id && same(chosen, &p.answer))
                    .map_or(self.wrong, |p| p.loses);
            }
        }
        (earned / total).clamp(0.0, 1.0)
    }
}

/// How an ordering question is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderScoring {
    /// Full marks only for the whole order.
    Exact,
    /// A share of the marks for each item in its right position.
    ByPosition,
}

/// A piece of a cloze text: words, or a gap the candidate fills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum ClozePart {
    Text { text: String },
    Gap(Gap),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    pub id: String,
    /// The gap's weight among the question's gaps (its share is weight / sum).
    pub weight: f64,
    pub kind: GapKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GapKind {
    Text {
        answers: Vec<TextAnswer>,
        case_sensitive: bool,
    },
    Numeric {
        answers: Vec<NumericAnswer>,
    },
    Choice {
        options: Vec<ScoredOption>,
    },
    /// Several options ticked (Moodle's MULTIRESPONSE): the answer lists their
    /// ids separated by commas; their credits add up, between 0 and 1.
    Choices {
        options: Vec<ScoredOption>,
    },
}

impl GapKind {
    /// The option ids a several-options gap's answer lists.
    pub fn picks(given: &str) -> Vec<&str> {
        given
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice {
        options: Vec<ChoiceOption>,
        correct: String,
    },
    MultipleResponse {
        options: Vec<ChoiceOption>,
        correct: Vec<String>,
        scoring: MultiScoring,
    },
    TrueFalse {
        correct: bool,
    },
    Numeric {
        value: f64,
        tolerance: Tolerance,
    },
    ShortText {
        /// Accepted answers; `*` matches any run of characters.
        accepted: Vec<String>,
        case_sensitive: bool,
    },
    /// Marked by a teacher; never auto-graded.
    Essay {
        /// What markers look for (Moodle's "information for graders"): shown
        /// to markers and in the attempt's review, never to candidates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        guidance: Option<String>,
    },
    /// Choice with a credit per option. One pick (`multiple: false`) earns its
    /// option's credit; several picks earn the sum of their credits, at most the
    /// question's marks.
    WeightedChoice {
        options: Vec<ScoredOption>,
        multiple: bool,
    },
    /// Numeric with several accepted answers, each with its credit; the best
    /// matching one counts.
    NumericSet {
        answers: Vec<NumericAnswer>,
    },
    /// Short text with several accepted answers, each with its credit.
    TextSet {
        answers: Vec<TextAnswer>,
        case_sensitive: bool,
    },
    /// Items matched to answers; each right pair earns its share. `distractors`
    /// are answers that belong to no item.
    Matching {
        pairs: Vec<MatchPair>,
        #[serde(default)]
        distractors: Vec<String>,
        /// Unequal values per pair and marks lost for wrong pairs (QTI's
        /// `mapResponse`); absent, every right pair earns an equal share.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scores: Option<PairScores>,
    },
    /// Items to put in order; `items` holds them in the right order.
    Ordering {
        items: Vec<ChoiceOption>,
        scoring: OrderScoring,
    },
    /// A text with gaps, each numeric, short text or a choice.
    Cloze {
        parts: Vec<ClozePart>,
    },
    /// Numbers drawn per attempt (Moodle's calculated types, QTI templates): the
    /// prompt's `{x}` are the attempt's values and the key is computed from them.
    /// Made concrete for each attempt by [`Question::for_attempt`].
    Calculated {
        vars: Vec<crate::calculated::Variable>,
        answer: crate::calculated::CalculatedAnswer,
        /// Conditions the values must meet (QTI's `templateConstraint`): the
        /// values are drawn again until they do. See
        /// [`values_for`](crate::calculated::values_for).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        constraints: Vec<String>,
    },
}

impl QuestionKind {
    /// An essay with no marking guidance.
    pub const fn essay() -> Self {
        QuestionKind::Essay { guidance: None }
    }

    /// What candidates see of this kind, its key left out: the options (ids
    /// and texts), the items to match and the answers offered, the items to
    /// order, a cloze's text and its gaps' options, a calculated question's
    /// variables. A key correction must leave it as it was.
    pub fn shown(&self) -> Vec<String> {
        let opt = |id: &str, text: &str| format!("{id}\u{1f}{text}");
        let scored = |o: &[ScoredOption]| o.iter().map(|o| opt(&o.id, &o.text)).collect::<Vec<_>>();
        match self {
            QuestionKind::SingleChoice { options, .. }
            | QuestionKind::MultipleResponse { options, .. } => {
                options.iter().map(|o| opt(&o.id, &o.text)).collect()
            }
            QuestionKind::WeightedChoice { options, .. } => scored(options),
            QuestionKind::TrueFalse { .. }
            | QuestionKind::Numeric { .. }
            | QuestionKind::NumericSet { .. }
            | QuestionKind::ShortText { .. }
            | QuestionKind::TextSet { .. }
            | QuestionKind::Essay { .. } => vec![],
            QuestionKind::Matching {
                pairs, distractors, ..
            } => pairs
                .iter()
                .map(|p| opt(&p.id, &p.prompt))
                .chain(QuestionKind::match_choices(pairs, distractors))
                .collect(),
            QuestionKind::Ordering { items, .. } => {
                let mut shown: Vec<String> = items.iter().map(|o| opt(&o.id, &o.text)).collect();
                shown.sort();
                shown
            }
            QuestionKind::Cloze { parts } => parts
                .iter()
                .flat_map(|p| match p {
                    ClozePart::Text { text } => vec![text.clone()],
                    ClozePart::Gap(g) => {
                        let widget = match &g.kind {
                            GapKind::Text { .. } => "text",
                            GapKind::Numeric { .. } => "number",
                            GapKind::Choice { .. } => "choice",
                            GapKind::Choices { .. } => "choices",
                        };
                        let mut shown = vec![opt(&g.id, widget)];
                        if let GapKind::Choice { options } | GapKind::Choices { options } = &g.kind
                        {
                            shown.extend(scored(options));
                        }
                        shown
                    }
                })
                .collect(),
            QuestionKind::Calculated { vars, answer, .. } => {
                let mut shown: Vec<String> = vars.iter().map(|v| format!("{v:?}")).collect();
                if let crate::calculated::CalculatedAnswer::Choice { options, .. } = answer {
                    shown.extend(options.iter().map(|o| opt(&o.id, &o.text)));
                }
                shown
            }
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            QuestionKind::SingleChoice { .. } => "single choice",
            QuestionKind::MultipleResponse { .. } => "multiple response",
            QuestionKind::TrueFalse { .. } => "true/false",
            QuestionKind::Numeric { .. } => "numeric",
            QuestionKind::ShortText { .. } => "short text",
            QuestionKind::Essay { .. } => "essay",
            QuestionKind::WeightedChoice {
                multiple: false, ..
            } => "single choice (weighted)",
            QuestionKind::WeightedChoice { multiple: true, .. } => "multiple response (weighted)",
            QuestionKind::NumericSet { .. } => "numeric (several answers)",
            QuestionKind::TextSet { .. } => "short text (weighted answers)",
            QuestionKind::Matching { .. } => "matching",
            QuestionKind::Ordering { .. } => "ordering",
            QuestionKind::Cloze { .. } => "cloze",
            QuestionKind::Calculated { .. } => "calculated",
        }
    }

    /// The answers a matching question offers: every pair's answer once, then the
    /// distractors, in a fixed order that gives nothing away (sorted).
    pub fn match_choices(pairs: &[MatchPair], distractors: &[String]) -> Vec<String> {
        let mut all: Vec<String> = pairs
            .iter()
            .map(|p| p.answer.clone())
            .chain(distractors.iter().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

/// What is wrong with a question, by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionProblem {
    pub field: &'static str,
    pub problem: String,
}

fn problem<T>(field: &'static str, problem: impl Into<String>) -> Result<T, QuestionProblem> {
    Err(QuestionProblem {
        field,
        problem: problem.into(),
    })
}

fn check_options<'a>(
    field: &'static str,
    options: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<(), QuestionProblem> {
    let mut ids = std::collections::BTreeSet::new();
    let mut n = 0;
    for (id, text) in options {
        n += 1;
        if id.trim().is_empty() || text.trim().is_empty() {
            return problem(field, format!("option {n} needs an id and a text"));
        }
        if !ids.insert(id) {
            return problem(field, format!("option id {id:?} appears twice"));
        }
    }
    if n < 2 {
        return problem(field, "needs at least 2 options");
    }
    Ok(())
}

fn check_tolerance(
    field: &'static str,
    value: f64,
    tolerance: Tolerance,
) -> Result<(), QuestionProblem> {
    if !value.is_finite() {
        return problem(field, "the value must be a finite number");
    }
    let t = match tolerance {
        Tolerance::Exact => 0.0,
        Tolerance::Absolute(t) | Tolerance::Relative(t) => t,
    };
    if !(t.is_finite() && t >= 0.0) {
        return problem(field, "the tolerance must be a finite, non-negative number");
    }
    Ok(())
}

fn check_credit(field: &'static str, credit: f64, min: f64) -> Result<(), QuestionProblem> {
    if !(credit.is_finite() && (min..=1.0).contains(&credit)) {
        return problem(
            field,
            format!("a credit must be between {min} and 1 (got {credit})"),
        );
    }
    Ok(())
}

fn check_pair_scores(
    pairs: &[MatchPair],
    distractors: &[String],
    scores: &PairScores,
) -> Result<(), QuestionProblem> {
    if scores.weights.len() != pairs.len() {
        return problem(
            "scores",
            format!(
                "{} weights for {} pairs: give one per pair",
                scores.weights.len(),
                pairs.len()
            ),
        );
    }
    if let Some(i) = scores
        .weights
        .iter()
        .position(|w| !(w.is_finite() && *w > 0.0))
    {
        return problem(
            "scores",
            format!("pair {}: a right pair's weight must be above 0", i + 1),
        );
    }
    if !(scores.wrong.is_finite() && scores.wrong >= 0.0) {
        return problem("scores", "what a wrong pair loses must be 0 or more");
    }
    let choices = QuestionKind::match_choices(pairs, distractors);
    for p in &scores.penalties {
        let Some(pair) = pairs.iter().find(|q| q.id == p.item) else {
            return problem(
                "scores",
                format!(
                    "a penalty names item {:?}, which is not one of the pairs",
                    p.item
                ),
            );
        };
        if !choices.contains(&p.answer) || pair.answer == p.answer {
            return problem(
                "scores",
                format!(
                    "the penalty for {:?} → {:?} is not a wrong pair of this question",
                    pair.prompt, p.answer
                ),
            );
        }
        if !(p.loses.is_finite() && p.loses >= 0.0) {
            return problem("scores", "what a wrong pair loses must be 0 or more");
        }
    }
    Ok(())
}

/// Credits are compared with this slack: imported weights like 33.33333 % add up
/// to 99.99999 %.
const CREDIT_SLACK: f64 = 1e-4;

fn check_full_credit(field: &'static str, best: f64) -> Result<(), QuestionProblem> {
    if best < 1.0 - CREDIT_SLACK {
        return problem(field, "no answer earns full marks");
    }
    Ok(())
}

fn check_text_answers(field: &'static str, answers: &[TextAnswer]) -> Result<(), QuestionProblem> {
    if answers.is_empty() {
        return problem(field, "needs at least one accepted answer");
    }
    for a in answers {
        if a.pattern.trim().is_empty() {
            return problem(field, "an accepted answer is empty");
        }
        check_credit(field, a.credit, 0.0)?;
    }
    check_full_credit(field, answers.iter().map(|a| a.credit).fold(0.0, f64::max))
}

fn check_numeric_answers(
    field: &'static str,
    answers: &[NumericAnswer],
) -> Result<(), QuestionProblem> {
    if answers.is_empty() {
        return problem(field, "needs at least one accepted value");
    }
    for a in answers {
        check_tolerance(field, a.value, a.tolerance)?;
        check_credit(field, a.credit, 0.0)?;
    }
    check_full_credit(field, answers.iter().map(|a| a.credit).fold(0.0, f64::max))
}

fn check_scored_options(
    field: &'static str,
    options: &[ScoredOption],
    multiple: bool,
) -> Result<(), QuestionProblem> {
    check_options(
        field,
        options.iter().map(|o| (o.id.as_str(), o.text.as_str())),
    )?;
    for o in options {
        check_credit(field, o.credit, -1.0)?;
    }
    if multiple {
        // Above 100 % is allowed, as Moodle allows it with a notice: the score
        // is capped at the question's marks, so fewer right picks earn them all.
        let sum: f64 = options.iter().map(|o| o.credit.max(0.0)).sum();
        if sum < 1.0 - CREDIT_SLACK {
            return problem(
                field,
                format!(
                    "the credits of the right options must add up to at least 100 % (they add up to {} %)",
                    (sum * 1e4).round() / 1e2
                ),
            );
        }
        Ok(())
    } else {
        check_full_credit(field, options.iter().map(|o| o.credit).fold(-1.0, f64::max))
    }
}

/// The longest marking guidance an essay may carry.
pub const MAX_GUIDANCE_CHARS: usize = 20_000;

impl Question {
    /// Checks the question on its own: text, marks, and that its key can be
    /// scored (a choice with no right option, a numeric question without a value
    /// and the like are refused, naming the field).
    pub fn validate(&self) -> Result<(), QuestionProblem> {
        if self.prompt.trim().is_empty() && !matches!(self.kind, QuestionKind::Cloze { .. }) {
            return problem("prompt", "is empty");
        }
        if !(self.marks.is_finite() && self.marks > 0.0) {
            return problem(
                "marks",
                format!("must be a positive number (got {})", self.marks),
            );
        }
        if !(self.penalty.is_finite() && self.penalty >= 0.0 && self.penalty <= self.marks) {
            return problem("penalty", "must be between 0 and the question's marks");
        }
        match &self.kind {
            QuestionKind::SingleChoice { options, correct } => {
                check_options(
                    "options",
                    options.iter().map(|o| (o.id.as_str(), o.text.as_str())),
                )?;
                if !options.iter().any(|o| &o.id == correct) {
                    return problem("correct", format!("{correct:?} is not one of the options"));
                }
            }
            QuestionKind::MultipleResponse {
                options,
                correct,
                scoring,
            } => {
                check_options(
                    "options",
                    options.iter().map(|o| (o.id.as_str(), o.text.as_str())),
                )?;
                if correct.is_empty() {
                    return problem("correct", "no option is marked correct");
                }
                if let Some(bad) = correct
                    .iter()
                    .find(|c| !options.iter().any(|o| &o.id == *c))
                {
                    return problem("correct", format!("{bad:?} is not one of the options"));
                }
                if *scoring == MultiScoring::Partial && correct.len() == options.len() {
                    return problem(
                        "correct",
                        "partial credit needs at least one incorrect option",
                    );
                }
            }
            QuestionKind::TrueFalse { .. } => {}
            QuestionKind::Essay { guidance } => {
                if guidance
                    .as_ref()
                    .is_some_and(|g| g.chars().count() > MAX_GUIDANCE_CHARS)
                {
                    return problem(
                        "guidance",
                        format!("at most {MAX_GUIDANCE_CHARS} characters"),
                    );
                }
            }
            QuestionKind::Numeric { value, tolerance } => {
                if !value.is_finite() {
                    return problem("value", "must be a finite number");
                }
                check_tolerance("tolerance", *value, *tolerance)?;
            }
            QuestionKind::ShortText { accepted, .. } => {
                if accepted.iter().all(|a| a.trim().is_empty()) {
                    return problem("accepted", "needs at least one accepted answer");
                }
            }
            QuestionKind::WeightedChoice { options, multiple } => {
                check_scored_options("options", options, *multiple)?;
            }
            QuestionKind::NumericSet { answers } => check_numeric_answers("answers", answers)?,
            QuestionKind::TextSet { answers, .. } => check_text_answers("answers", answers)?,
            QuestionKind::Matching {
                pairs,
                distractors,
                scores,
            } => {
                if pairs.len() < 2 {
                    return problem("pairs", "a matching question needs at least 2 pairs");
                }
                let mut ids = std::collections::BTreeSet::new();
                for (i, p) in pairs.iter().enumerate() {
                    if p.id.trim().is_empty() || !ids.insert(p.id.as_str()) {
                        return problem("pairs", format!("pair {} needs an id of its own", i + 1));
                    }
                    if p.prompt.trim().is_empty() || p.answer.trim().is_empty() {
                        return problem(
                            "pairs",
                            format!("pair {} needs an item and an answer", i + 1),
                        );
                    }
                }
                if distractors.iter().any(|d| d.trim().is_empty()) {
                    return problem("distractors", "an extra answer is empty");
                }
                if let Some(scores) = scores {
                    check_pair_scores(pairs, distractors, scores)?;
                }
            }
            QuestionKind::Ordering { items, .. } => {
                check_options(
                    "items",
                    items.iter().map(|o| (o.id.as_str(), o.text.as_str())),
                )?;
            }
            QuestionKind::Cloze { parts } => {
                let mut ids = std::collections::BTreeSet::new();
                let mut gaps = 0;
                for part in parts {
                    let ClozePart::Gap(g) = part else { continue };
                    gaps += 1;
                    if g.id.trim().is_empty() || !ids.insert(g.id.as_str()) {
                        return problem("parts", format!("gap {gaps} needs an id of its own"));
                    }
                    if !(g.weight.is_finite() && g.weight > 0.0) {
                        return problem(
                            "parts",
                            format!("gap {gaps}: the weight must be positive"),
                        );
                    }
                    match &g.kind {
                        GapKind::Text { answers, .. } => check_text_answers("parts", answers),
                        GapKind::Numeric { answers } => check_numeric_answers("parts", answers),
                        GapKind::Choice { options } => {
                            check_scored_options("parts", options, false)
                        }
                        GapKind::Choices { options } => {
                            check_scored_options("parts", options, true)
                        }
                    }
                    .map_err(|p| QuestionProblem {
                        field: p.field,
                        problem: format!("gap {gaps}: {}", p.problem),
                    })?;
                }
                if gaps == 0 {
                    return problem("parts", "a cloze question needs at least one gap");
                }
            }
            QuestionKind::Calculated { .. } => self.check_calculated()?,
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: QuestionId,
    pub prompt: String,
    pub marks: f64,
    /// Marks taken away for a wrong answer when the exam uses negative marking.
    #[serde(default)]
    pub penalty: f64,
    pub kind: QuestionKind,
    /// Shown to candidates with their released result when the exam gives
    /// feedback (Moodle's general feedback); never during the exam.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_feedback: Option<String>,
}

/// What a candidate has given for one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Single choice (option id), true/false ("true"/"false"), numeric, short text, essay.
    Text(String),
    /// Multiple response: the ids of the ticked options. Ordering: the item ids
    /// in the candidate's order.
    Choices(Vec<String>),
    /// Matching: item id → the chosen answer. Cloze: gap id → what was written in
    /// it (a choice gap: the option id).
    Map(std::collections::BTreeMap<String, String>),
}

impl Answer {
    /// Longest answer accepted from a candidate (an essay of a few thousand words).
    pub const MAX_TEXT_BYTES: usize = 64 * 1024;

    pub fn is_blank(&self) -> bool {
        match self {
            Answer::Text(t) => t.trim().is_empty(),
            Answer::Choices(c) => c.is_empty(),
            Answer::Map(m) => m.values().all(|v| v.trim().is_empty()),
        }
    }
}

/// Why an answer cannot be stored for a question (its shape, not its correctness).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("this question takes {expected}")]
    WrongShape { expected: &'static str },
    #[error("{0:?} is not one of this question's options")]
    UnknownOption(String),
    #[error("the answer is longer than {max} bytes", max = Answer::MAX_TEXT_BYTES)]
    TooLong,
}

impl Question {
    /// Checks that `answer` has a shape this question can take. Correctness is
    /// the grader's business; this only keeps nonsense out of the log.
    pub fn check_answer(&self, answer: &Answer) -> Result<(), AnswerError> {
        let is_option = |opts: &[ChoiceOption], id: &str| opts.iter().any(|o| o.id == id);
        let is_scored = |opts: &[ScoredOption], id: &str| opts.iter().any(|o| o.id == id);
        let text_len = |t: &str| {
            if t.len() > Answer::MAX_TEXT_BYTES {
                Err(AnswerError::TooLong)
            } else {
                Ok(())
            }
        };
        let list = AnswerError::WrongShape {
            expected: "a list of option ids",
        };
        let single = AnswerError::WrongShape {
            expected: "a single text value",
        };
        let map = AnswerError::WrongShape {
            expected: "a value for each item or gap",
        };
        if let QuestionKind::Calculated { .. } = self.kind {
            // The shape does not depend on the values: any attempt's form will do.
            return match self.for_attempt("shape") {
                std::borrow::Cow::Owned(q) => q.check_answer(answer),
                std::borrow::Cow::Borrowed(_) => Ok(()),
            };
        }
        match (&self.kind, answer) {
            (QuestionKind::MultipleResponse { options, .. }, Answer::Choices(ids)) => {
                match ids.iter().find(|id| !is_option(options, id)) {
                    Some(bad) => Err(AnswerError::UnknownOption(bad.clone())),
                    None => Ok(()),
                }
            }
            (
                QuestionKind::WeightedChoice {
                    options,
                    multiple: true,
                },
                Answer::Choices(ids),
            ) => match ids.iter().find(|id| !is_scored(options, id)) {
                Some(bad) => Err(AnswerError::UnknownOption(bad.clone())),
                None => Ok(()),
            },
            (QuestionKind::Ordering { items, .. }, Answer::Choices(ids)) => {
                let mut seen = std::collections::BTreeSet::new();
                match ids
                    .iter()
                    .find(|id| !is_option(items, id) || !seen.insert(id.as_str()))
                {
                    Some(bad) => Err(AnswerError::UnknownOption(bad.clone())),
                    None => Ok(()),
                }
            }
            (
                QuestionKind::Matching {
                    pairs, distractors, ..
                },
                Answer::Map(m),
            ) => {
                let choices = QuestionKind::match_choices(pairs, distractors);
                for (item, chosen) in m {
                    if !pairs.iter().any(|p| &p.id == item) {
                        return Err(AnswerError::UnknownOption(item.clone()));
                    }
                    if !chosen.is_empty() && !choices.contains(chosen) {
                        return Err(AnswerError::UnknownOption(chosen.clone()));
                    }
                }
                Ok(())
            }
            (QuestionKind::Cloze { parts }, Answer::Map(m)) => {
                for (gap, given) in m {
                    let Some(g) = parts.iter().find_map(|p| match p {
                        ClozePart::Gap(g) if &g.id == gap => Some(g),
                        _ => None,
                    }) else {
                        return Err(AnswerError::UnknownOption(gap.clone()));
                    };
                    match &g.kind {
                        GapKind::Choice { options } => {
                            if !given.is_empty() && !is_scored(options, given) {
                                return Err(AnswerError::UnknownOption(given.clone()));
                            }
                        }
                        GapKind::Choices { options } => {
                            let mut seen = std::collections::BTreeSet::new();
                            if let Some(bad) = GapKind::picks(given)
                                .into_iter()
                                .find(|id| !is_scored(options, id) || !seen.insert(*id))
                            {
                                return Err(AnswerError::UnknownOption(bad.to_owned()));
                            }
                        }
                        GapKind::Numeric { .. } if given.len() > 64 => {
                            return Err(AnswerError::TooLong)
                        }
                        _ => text_len(given)?,
                    }
                }
                Ok(())
            }
            (
                QuestionKind::MultipleResponse { .. }
                | QuestionKind::WeightedChoice { multiple: true, .. }
                | QuestionKind::Ordering { .. },
                _,
            ) => Err(list),
            (QuestionKind::Matching { .. } | QuestionKind::Cloze { .. }, _) => Err(map),
            (QuestionKind::Calculated { .. }, _) => Ok(()),
            (_, Answer::Choices(_) | Answer::Map(_)) => Err(single),
            (_, Answer::Text(t)) if t.len() > Answer::MAX_TEXT_BYTES => Err(AnswerError::TooLong),
            (QuestionKind::SingleChoice { options, .. }, Answer::Text(t)) => {
                if t.is_empty() || is_option(options, t) {
                    Ok(())
                } else {
                    Err(AnswerError::UnknownOption(t.clone()))
                }
            }
            (
                QuestionKind::WeightedChoice {
                    options,
                    multiple: false,
                },
                Answer::Text(t),
            ) => {
                if t.is_empty() || is_scored(options, t) {
                    Ok(())
                } else {
                    Err(AnswerError::UnknownOption(t.clone()))
                }
            }
            (QuestionKind::TrueFalse { .. }, Answer::Text(t)) => {
                match t.trim().to_lowercase().as_str() {
                    "" | "true" | "false" => Ok(()),
                    _ => Err(AnswerError::WrongShape {
                        expected: "true or false",
                    }),
                }
            }
            (QuestionKind::Numeric { .. } | QuestionKind::NumericSet { .. }, Answer::Text(t))
                if t.len() > 64 =>
            {
                Err(AnswerError::TooLong)
            }
            (
                QuestionKind::Numeric { .. }
                | QuestionKind::NumericSet { .. }
                | QuestionKind::ShortText { .. }
                | QuestionKind::TextSet { .. }
                | QuestionKind::Essay { .. },
                Answer::Text(_),
            ) => Ok(()),
        }
    }
}

/// Attempts a calculated question is checked with when it is validated (besides
/// every variant of its dataset items): its formulas must give numbers for each.
const CHECK_ATTEMPTS: usize = 8;

impl Question {
    /// This question as one attempt sees it and is graded: a calculated question
    /// with the attempt's values in its text and its key computed from them (a
    /// numeric question with several accepted values, or a choice); any other
    /// question as it is.
    pub fn for_attempt(&self, attempt_id: &str) -> std::borrow::Cow<'_, Question> {
        match self.concrete(attempt_id) {
            None => std::borrow::Cow::Borrowed(self),
            Some(Ok(q)) => std::borrow::Cow::Owned(q),
            // Validation tries every dataset variant and several attempts, so this
            // is a random draw that breaks a formula (a division by zero): the
            // question goes to a teacher rather than to a wrong key.
            // The error names the answer's formula: never shown to the candidate.
            Some(Err(_)) => std::borrow::Cow::Owned(Question {
                prompt: format!(
                    "{}\n\n(The numbers of this question could not be computed for this attempt. A teacher marks it.)",
                    self.prompt
                ),
                kind: QuestionKind::essay(),
                ..self.clone()
            }),
        }
    }

    fn concrete(&self, attempt_id: &str) -> Option<Result<Question, crate::calculated::CalcError>> {
        use crate::calculated::{
            choice_options, fill, numeric_answers, values_for, CalculatedAnswer,
        };
        let QuestionKind::Calculated {
            vars,
            answer,
            constraints,
        } = &self.kind
        else {
            return None;
        };
        let made = (|| {
            let values = values_for(vars, constraints, attempt_id, self.id.as_str())?;
            let kind = match answer {
                CalculatedAnswer::Numeric { answers } => QuestionKind::NumericSet {
                    answers: numeric_answers(answers, &values)?,
                },
                CalculatedAnswer::Choice { options, multiple } => QuestionKind::WeightedChoice {
                    options: choice_options(options, &values, vars)?,
                    multiple: *multiple,
                },
            };
            Ok(Question {
                prompt: fill(&self.prompt, &values, vars)?,
                kind,
                ..self.clone()
            })
        })();
        Some(made)
    }

    fn check_calculated(&self) -> Result<(), QuestionProblem> {
        use crate::calculated::{check_variables, Draw};
        let QuestionKind::Calculated { vars, answer, .. } = &self.kind else {
            return Ok(());
        };
        check_variables(vars).map_err(|e| QuestionProblem {
            field: "vars",
            problem: e.0,
        })?;
        match answer {
            crate::calculated::CalculatedAnswer::Numeric { answers } if answers.is_empty() => {
                return problem("answer", "needs at least one formula");
            }
            crate::calculated::CalculatedAnswer::Choice { options, .. } if options.len() < 2 => {
                return problem("answer", "needs at least 2 options");
            }
            _ => {}
        }
        let variants = vars
            .iter()
            .filter_map(|v| match &v.draw {
                Draw::Items { values } => Some(values.len()),
                _ => None,
            })
            .min()
            .unwrap_or(0);
        // Every variant of the dataset (an attempt id that picks variant k is
        // found by trying ids), and a few attempts besides.
        let mut tried = std::collections::BTreeSet::new();
        let mut n = 0;
        while (tried.len() < variants && n < variants * 20) || n < CHECK_ATTEMPTS {
            let id = format!("check-{n}");
            n += 1;
            if variants > 0 {
                tried.insert(crate::shuffle::pick(
                    variants,
                    &id,
                    &format!("variant:{}", self.id),
                ));
            }
            match self.concrete(&id) {
                Some(Ok(q)) => q.validate().map_err(|p| QuestionProblem {
                    field: "answer",
                    problem: format!("with the values of an attempt, {}: {}", p.field, p.problem),
                })?,
                Some(Err(e)) => {
                    return problem("answer", e.0);
                }
                None => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_of_the_wrong_shape_are_refused() {
        let opts = vec![
            ChoiceOption {
                id: "a".into(),
                text: "A".into(),
            },
            ChoiceOption {
                id: "b".into(),
                text: "B".into(),
            },
        ];
        let q = |kind| Question {
            id: QuestionId::parse("q").unwrap(),
            prompt: "p".into(),
            marks: 1.0,
            penalty: 0.0,
            general_feedback: None,
            kind,
        };
        let single = q(QuestionKind::SingleChoice {
            options: opts.clone(),
            correct: "a".into(),
        });
        let multi = q(QuestionKind::MultipleResponse {
            options: opts,
            correct: vec!["a".into()],
            scoring: MultiScoring::AllOrNothing,
        });
        let tf = q(QuestionKind::TrueFalse { correct: true });
        let essay = q(QuestionKind::essay());
        let text = |s: &str| Answer::Text(s.into());
        assert_eq!(single.check_answer(&text("b")), Ok(()));
        assert_eq!(
            single.check_answer(&text("z")),
            Err(AnswerError::UnknownOption("z".into()))
        );
        assert!(single
            .check_answer(&Answer::Choices(vec!["a".into()]))
            .is_err());
        assert_eq!(
            multi.check_answer(&Answer::Choices(vec!["a".into(), "b".into()])),
            Ok(())
        );
        assert!(multi
            .check_answer(&Answer::Choices(vec!["x".into()]))
            .is_err());
        assert!(multi.check_answer(&text("a")).is_err());
        assert_eq!(tf.check_answer(&text("True")), Ok(()));
        assert!(tf.check_answer(&text("maybe")).is_err());
        assert_eq!(
            essay.check_answer(&text(&"x".repeat(Answer::MAX_TEXT_BYTES + 1))),
            Err(AnswerError::TooLong)
        );
    }
}
