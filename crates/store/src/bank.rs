//! The question bank: questions a teacher writes once and builds exams from.

use crate::{Result, Store, StoreError};
use examhall_domain::{Question, Timestamp};

#[derive(Debug, Clone)]
pub struct BankQuestionRow {
    pub id: i64,
    pub question: Question,
    pub created_by: i64,
}

impl Store {
    pub async fn insert_bank_question(&self, q: &Question, by: i64, now: Timestamp) -> Result<i64> {
        let json = serde_json::to_string(q).map_err(|e| StoreError::corrupt("question", e))?;
        Ok(sqlx::query_scalar(
            "INSERT INTO bank_questions (question, created_by, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(json)
        .bind(by)
        .bind(now.0)
        .fetch_one(&self.write)
        .await?)
    }

    /// Every bank question, oldest first.
    pub async fn bank_questions(&self) -> Result<Vec<BankQuestionRow>> {
        let rows: Vec<(i64, String, i64)> =
            sqlx::query_as("SELECT id, question, created_by FROM bank_questions ORDER BY id")
                .fetch_all(&self.read)
                .await?;
        rows.into_iter()
            .map(|(id, json, created_by)| {
                Ok(BankQuestionRow {
                    id,
                    question: serde_json::from_str(&json).map_err(|e| {
                        StoreError::corrupt(format!("bank_questions.question of {id}"), e)
                    })?,
                    created_by,
                })
            })
            .collect()
    }
}
