//! The question bank: questions a teacher writes or imports once and builds
//! exams from, with categories, tags, versions and archiving.

use crate::{Result, Store, StoreError};
use examhall_domain::{Question, Timestamp};

#[derive(Debug, Clone)]
pub struct BankQuestionRow {
    pub id: i64,
    pub question: Question,
    pub created_by: i64,
    /// The first version's id (the row's own id for a first version).
    pub family: i64,
    pub version: i64,
    /// Outermost first.
    pub category: Vec<String>,
    pub tags: Vec<String>,
    pub title: Option<String>,
    /// JSON kept for the author (text format, general feedback, where it came from).
    pub meta: Option<String>,
    pub archived: bool,
    /// An exam has been built with this version.
    pub used: bool,
}

/// A question going into the bank.
#[derive(Debug, Clone)]
pub struct NewBankQuestion<'a> {
    pub question: &'a Question,
    pub category: &'a [String],
    pub tags: &'a [String],
    pub title: Option<&'a str>,
    pub meta: Option<&'a str>,
}

fn tags_column(tags: &[String]) -> String {
    if tags.is_empty() {
        String::new()
    } else {
        format!("|{}|", tags.join("|"))
    }
}

type Raw = (
    i64,
    String,
    i64,
    Option<i64>,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    i64,
);

/// `SELECT` of every column `row` reads, then the rest of the statement.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, question, created_by, family, version, category, tags, title, meta, archived, used \
             FROM bank_questions ",
            $rest
        )
    };
}

fn row(
    (id, json, created_by, family, version, category, tags, title, meta, archived, used): Raw,
) -> Result<BankQuestionRow> {
    Ok(BankQuestionRow {
        id,
        question: serde_json::from_str(&json)
            .map_err(|e| StoreError::corrupt(format!("bank_questions.question of {id}"), e))?,
        created_by,
        family: family.unwrap_or(id),
        version,
        category: category
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        tags: tags
            .split('|')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        title,
        meta,
        archived: archived != 0,
        used: used != 0,
    })
}

impl Store {
    pub async fn insert_bank_question(&self, q: &Question, by: i64, now: Timestamp) -> Result<i64> {
        let ids = self
            .insert_bank_questions(
                &[NewBankQuestion {
                    question: q,
                    category: &[],
                    tags: &[],
                    title: None,
                    meta: None,
                }],
                by,
                now,
            )
            .await?;
        Ok(ids[0])
    }

    /// Adds questions in one transaction: all of them or none.
    pub async fn insert_bank_questions(
        &self,
        qs: &[NewBankQuestion<'_>],
        by: i64,
        now: Timestamp,
    ) -> Result<Vec<i64>> {
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(qs.len());
        for q in qs {
            let json = serde_json::to_string(q.question)
                .map_err(|e| StoreError::corrupt("question", e))?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO bank_questions (question, created_by, created_at, category, tags, title, meta) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(json)
            .bind(by)
            .bind(now.0)
            .bind(q.category.join("/"))
            .bind(tags_column(q.tags))
            .bind(q.title)
            .bind(q.meta)
            .fetch_one(&mut *tx)
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Every bank question, oldest first (archived ones too).
    pub async fn bank_questions(&self) -> Result<Vec<BankQuestionRow>> {
        let rows: Vec<Raw> = sqlx::query_as(select!("ORDER BY id"))
            .fetch_all(&self.read)
            .await?;
        rows.into_iter().map(row).collect()
    }

    pub async fn bank_question(&self, id: i64) -> Result<Option<BankQuestionRow>> {
        let raw: Option<Raw> = sqlx::query_as(select!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        raw.map(row).transpose()
    }

    /// Changes a version in place (one no exam has been built with).
    pub async fn update_bank_question(&self, id: i64, q: &NewBankQuestion<'_>) -> Result<bool> {
        let json =
            serde_json::to_string(q.question).map_err(|e| StoreError::corrupt("question", e))?;
        let n = sqlx::query(
            "UPDATE bank_questions SET question = $1, category = $2, tags = $3, title = $4, meta = $5 \
             WHERE id = $6 AND used = 0",
        )
        .bind(json)
        .bind(q.category.join("/"))
        .bind(tags_column(q.tags))
        .bind(q.title)
        .bind(q.meta)
        .bind(id)
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// A new version of `previous`: the previous one is archived, in the same
    /// transaction. Returns the new version's id.
    pub async fn new_bank_version(
        &self,
        previous: &BankQuestionRow,
        q: &NewBankQuestion<'_>,
        by: i64,
        now: Timestamp,
    ) -> Result<i64> {
        let json =
            serde_json::to_string(q.question).map_err(|e| StoreError::corrupt("question", e))?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE bank_questions SET archived = 1 WHERE id = $1")
            .bind(previous.id)
            .execute(&mut *tx)
            .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO bank_questions (question, created_by, created_at, category, tags, title, meta, family, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(json)
        .bind(by)
        .bind(now.0)
        .bind(q.category.join("/"))
        .bind(tags_column(q.tags))
        .bind(q.title)
        .bind(q.meta)
        .bind(previous.family)
        .bind(previous.version + 1)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn set_bank_archived(&self, id: i64, archived: bool) -> Result<bool> {
        let n = sqlx::query("UPDATE bank_questions SET archived = $1 WHERE id = $2")
            .bind(i64::from(archived))
            .bind(id)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// Records that exams were built with these versions (editing them later
    /// makes new versions).
    pub async fn mark_bank_used(&self, ids: &[i64]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for id in ids {
            sqlx::query("UPDATE bank_questions SET used = 1 WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
