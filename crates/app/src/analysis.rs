//! Exam statistics from a plain score matrix file (`examhall analyse`): for results
//! that come from elsewhere, and for checking the maths against other tools.

use crate::{App, AppError, AppResult};
pub use examhall_analytics::{Analysis, CsvOptions};
use examhall_domain::{Answer, QuestionKind};
use examhall_protocol::{
    DistractorRowDto, ExamAnalysisDto, HistogramBinDto, ItemStatsDto, TrendPointDto,
};
use std::path::Path;

/// Reads `path` (a CSV of marks: header of item names, one row per attempt) and
/// computes the summary, reliability and item analysis.
pub fn analyse_score_file(
    path: &Path,
    opts: &CsvOptions,
    pass_mark_pct: f64,
    bins: usize,
) -> AppResult<Analysis> {
    let file = std::fs::File::open(path)
        .map_err(|e| AppError::invalid("scores", format!("cannot open {}: {e}", path.display())))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let matrix =
        examhall_analytics::ScoreMatrix::from_csv(std::io::BufReader::new(file), &name, opts)
            .map_err(invalid)?;
    examhall_analytics::analyse(&matrix, pass_mark_pct, bins).map_err(invalid)
}

fn invalid(e: examhall_analytics::AnalyticsError) -> AppError {
    match e {
        examhall_analytics::AnalyticsError::Polars(p) => AppError::Internal(anyhow::Error::new(p)),
        other => AppError::invalid("scores", other.to_string()),
    }
}

impl App {
    /// Statistics of an exam's graded attempts: summary, reliability, histogram and
    /// item analysis with flags. Teachers and admins only.
    pub async fn exam_analysis(&self, token: &str, exam_id: i64) -> AppResult<ExamAnalysisDto> {
        let actor = self.actor(token).await?;
        self.managed_exam(&actor, exam_id, "see exam statistics")
            .await?;
        let exam = self.exam(exam_id).await?;
        // One read: each graded attempt with its sitting (for the trend). A
        // void attempt is kept but counts in no statistic.
        let mut graded = self.store().sheet_rows(exam_id).await?;
        graded.retain(|r| r.void_reason.is_none());
        let results: Vec<&examhall_store::ResultRow> = graded.iter().map(|r| &r.result).collect();
        if results.is_empty() {
            return Err(AppError::Conflict(format!(
                "{} has no graded attempts yet.",
                exam.title
            )));
        }
        let total = exam.total_marks();
        // Item analysis needs every attempt's mark for an item: questions drawn at
        // random for some attempts only are left out of it (their marks still
        // count in the totals).
        let exam = {
            let mut e = (*exam).clone();
            e.questions.retain(|q| {
                results
                    .iter()
                    .all(|r| r.marks.iter().any(|(id, _)| id == &q.id))
            });
            e
        };
        let mut columns = vec![Vec::with_capacity(results.len()); exam.questions.len()];
        for r in &results {
            for (k, q) in exam.questions.iter().enumerate() {
                let mark = r
                    .marks
                    .iter()
                    .find(|(id, _)| id == &q.id)
                    .map_or(0.0, |(_, m)| m.awarded);
                columns[k].push(mark);
            }
        }
        let items = exam.questions.iter().map(|q| q.id.to_string()).collect();
        let max = exam.questions.iter().map(|q| q.marks).collect();
        let ids = results.iter().map(|r| r.attempt_id.clone()).collect();
        let matrix =
            examhall_analytics::ScoreMatrix::new(items, max, ids, columns).map_err(invalid)?;
        let pass_mark = exam.pass_mark_pct;
        // One bar per mark when totals are whole and few; otherwise ten equal bins.
        let bins = if total.fract() == 0.0 && (1.0..=40.0).contains(&total) {
            total as usize
        } else {
            10
        };
        let a = off_runtime(move || examhall_analytics::analyse(&matrix, pass_mark, bins))
            .await?
            .map_err(invalid)?;
        // Distractor tables for choice questions, from the candidates' actual picks.
        let ids: Vec<String> = results.iter().map(|r| r.attempt_id.clone()).collect();
        let mut answers = self.store().answers_of(&ids).await?;
        let totals: Vec<f64> = results.iter().map(|r| r.total).collect();
        let sheets: Vec<Vec<examhall_store::AnswerRow>> = ids
            .iter()
            .map(|id| answers.remove(id).unwrap_or_default())
            .collect();
        let mut group_size = 0;
        let mut tables: Vec<Option<examhall_analytics::DistractorTable>> =
            Vec::with_capacity(exam.questions.len());
        for q in &exam.questions {
            let (options, key) = match &q.kind {
                QuestionKind::SingleChoice { options, correct } => (options, vec![correct.clone()]),
                QuestionKind::MultipleResponse {
                    options, correct, ..
                } => (options, correct.clone()),
                _ => {
                    tables.push(None);
                    continue;
                }
            };
            let chosen: Vec<Vec<String>> = sheets
                .iter()
                .map(|rows| {
                    match rows
                        .iter()
                        .find(|r| r.question_id == q.id.as_str())
                        .and_then(|r| r.answer.clone())
                    {
                        Some(Answer::Text(t)) => vec![t],
                        Some(Answer::Choices(c)) => c,
                        Some(Answer::Map(_)) | None => vec![],
                    }
                })
                .collect();
            let ids: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
            let table = examhall_analytics::distractors(&totals, &chosen, &ids, &key);
            group_size = table.group_size;
            tables.push(Some(table));
        }
        // Questions with marks still to come: their figures say nothing about the key yet.
        let pending: std::collections::BTreeSet<&examhall_domain::QuestionId> = results
            .iter()
            .flat_map(|r| {
                r.marks
                    .iter()
                    .filter(|(_, m)| m.outcome == examhall_domain::Outcome::AwaitingMarking)
                    .map(|(q, _)| q)
            })
            .collect();
        // Trends: the same figures per sitting, in the order sittings were opened.
        let opened: std::collections::HashMap<i64, examhall_domain::Timestamp> = graded
            .iter()
            .map(|r| (r.sitting_id, r.sitting_opened_at))
            .collect();
        let groups: Vec<i64> = graded.iter().map(|r| r.sitting_id).collect();
        let pcts: Vec<f64> = graded.iter().map(|r| r.result.percentage).collect();
        let trend = off_runtime(move || examhall_analytics::trend(&groups, &pcts, pass_mark))
            .await?
            .map_err(invalid)?
            .into_iter()
            .map(|t| TrendPointDto {
                sitting_id: t.group,
                opened_at: opened
                    .get(&t.group)
                    .map(|ts| crate::reports::local_time(*ts))
                    .unwrap_or_default(),
                attempts: t.attempts,
                mean_pct: t.mean_pct,
                median_pct: t.median_pct,
                sd_pct: t.sd_pct,
                min_pct: t.min_pct,
                max_pct: t.max_pct,
                pass_rate_pct: t.pass_rate_pct,
            })
            .collect();
        let s = a.summary;
        Ok(ExamAnalysisDto {
            trend,
            exam_id,
            exam_title: exam.title.clone(),
            attempts: s.attempts,
            max_possible: s.max_possible,
            mean: s.mean,
            median: s.median,
            sd: s.sd,
            min: s.min,
            max: s.max,
            pass_mark_pct: s.pass_mark_pct,
            pass_rate_pct: s.pass_rate_pct,
            skewness: s.skewness,
            kurtosis: s.kurtosis,
            alpha: a.reliability.alpha,
            error_ratio: a.reliability.error_ratio,
            standard_error: a.reliability.standard_error,
            provisional: results.iter().filter(|r| r.awaiting_marking).count(),
            distractor_group_size: group_size,
            histogram: a
                .histogram
                .into_iter()
                .map(|b| HistogramBinDto {
                    from: b.from,
                    to: b.to,
                    count: b.count,
                })
                .collect(),
            items: a
                .items
                .into_iter()
                .zip(exam.questions.iter())
                .zip(tables)
                .map(|((i, q), table)| ItemStatsDto {
                    question_id: q.id.to_string(),
                    prompt: q.prompt.clone(),
                    max: i.max,
                    facility: i.facility,
                    sd: i.sd,
                    discrimination_index: i.discrimination_index,
                    discriminative_efficiency: i.discriminative_efficiency,
                    flags: if pending.contains(&q.id) {
                        vec!["answers awaiting marking: these figures are provisional".to_owned()]
                    } else {
                        i.flags
                            .into_iter()
                            .chain(table.iter().flat_map(|t| t.flags.clone()))
                            .collect()
                    },
                    distractors: table.map(|t| {
                        t.options
                            .into_iter()
                            .map(|o| DistractorRowDto {
                                option_text: option_text(q, &o.option),
                                option_id: o.option,
                                is_key: o.is_key,
                                top_pct: o.top_pct,
                                bottom_pct: o.bottom_pct,
                                all_pct: o.all_pct,
                            })
                            .collect()
                    }),
                })
                .collect(),
        })
    }
}

fn option_text(q: &examhall_domain::Question, id: &str) -> String {
    let options = match &q.kind {
        QuestionKind::SingleChoice { options, .. }
        | QuestionKind::MultipleResponse { options, .. } => options.as_slice(),
        _ => &[],
    };
    options
        .iter()
        .find(|o| o.id == id)
        .map_or_else(|| id.to_owned(), |o| o.text.clone())
}

/// Runs CPU-heavy work (polars) on its own OS thread and awaits the result, so it
/// neither blocks an async worker nor meets polars' `block_in_place` inside a
/// current-thread runtime.
pub(crate) async fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("examhall-analytics".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| {
            AppError::Internal(anyhow::Error::new(e).context("starting the analytics thread"))
        })?;
    rx.await
        .map_err(|_| AppError::Internal(anyhow::anyhow!("the analytics thread panicked")))
}
