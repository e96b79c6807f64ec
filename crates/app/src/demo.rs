//! The embedded demo centre used by `--demo`: one account per role and an exam
//! with every question type, opened with a known start code.

use crate::auth::hash_password;
use crate::{App, AppResult};
use examhall_domain::{
    ChoiceOption, ExamSpec, MultiScoring, Question, QuestionId, QuestionKind, ResultRelease, Role,
    Tolerance,
};
use examhall_store::NewUserRow;

/// `(username, password, display name, role)`. Printed in the README; demo only.
pub const DEMO_ACCOUNTS: &[(&str, &str, &str, Role)] = &[
    ("admin", "demo-admin-pass", "Ada Admin", Role::Admin),
    (
        "teacher",
        "demo-teacher-pass",
        "Tomas Teacher",
        Role::Teacher,
    ),
    (
        "invigilator",
        "demo-invigilator-pass",
        "Ines Invigilator",
        Role::Invigilator,
    ),
    (
        "candidate",
        "demo-candidate-pass",
        "Chidi Candidate",
        Role::Candidate,
    ),
    (
        "candidate2",
        "demo-candidate-pass",
        "Zoë Łukasiewicz",
        Role::Candidate,
    ),
];

/// The demo sitting's start code (the invigilator screen can issue a new one).
pub const DEMO_START_CODE: &str = "EXAM24";

fn opt(id: &str, text: &str) -> ChoiceOption {
    ChoiceOption {
        id: id.into(),
        text: text.into(),
    }
}

fn q(id: &str, prompt: &str, marks: f64, kind: QuestionKind) -> Question {
    Question {
        id: QuestionId::parse(id).expect("demo ids are valid"),
        prompt: prompt.into(),
        marks,
        penalty: 0.0,
        general_feedback: None,
        kind,
    }
}

/// One question of every supported type.
pub fn demo_exam() -> ExamSpec {
    ExamSpec {
        voided: vec![],
        feedback: Default::default(),
        window: Default::default(),
        order: Default::default(),
        navigation: Default::default(),
        sections: vec![],
        title: "Demo: General Science".into(),
        duration_secs: 30 * 60,
        pass_mark_pct: 50.0,
        negative_marking: false,
        release: ResultRelease::Immediately,
        question_marks: true,
        questions: vec![
            q(
                "q1",
                "Which planet is closest to the Sun?",
                1.0,
                QuestionKind::SingleChoice {
                    options: vec![
                        opt("a", "Venus"),
                        opt("b", "Mercury"),
                        opt("c", "Mars"),
                        opt("d", "Earth"),
                    ],
                    correct: "b".into(),
                },
            ),
            q(
                "q2",
                "Which of these are noble gases? (all-or-nothing)",
                2.0,
                QuestionKind::MultipleResponse {
                    options: vec![
                        opt("a", "Helium"),
                        opt("b", "Nitrogen"),
                        opt("c", "Neon"),
                        opt("d", "Oxygen"),
                    ],
                    correct: vec!["a".into(), "c".into()],
                    scoring: MultiScoring::AllOrNothing,
                },
            ),
            q(
                "q3",
                "Which of these are prime numbers? (partial credit; wrong picks subtract)",
                2.0,
                QuestionKind::MultipleResponse {
                    options: vec![opt("a", "2"), opt("b", "9"), opt("c", "13"), opt("d", "21")],
                    correct: vec!["a".into(), "c".into()],
                    scoring: MultiScoring::Partial,
                },
            ),
            q(
                "q4",
                "Water boils at 100 °C at sea level.",
                1.0,
                QuestionKind::TrueFalse { correct: true },
            ),
            q(
                "q5",
                "What is the acceleration due to gravity at the Earth's surface, in m/s²? (±0.1)",
                2.0,
                QuestionKind::Numeric {
                    value: 9.81,
                    tolerance: Tolerance::Absolute(0.1),
                },
            ),
            q(
                "q6",
                "What is the chemical symbol for sodium?",
                1.0,
                QuestionKind::ShortText {
                    accepted: vec!["Na".into()],
                    case_sensitive: true,
                },
            ),
            q(
                "q7",
                "In two or three sentences, explain why the sky is blue.",
                3.0,
                QuestionKind::Essay {
                    guidance: Some(
                        "1 mark: sunlight holds every colour. 1 mark: air molecules scatter \
                         short (blue) wavelengths more than long (red) ones. 1 mark: the \
                         scattered blue light reaches the eye from every part of the sky."
                            .into(),
                    ),
                },
            ),
        ],
    }
}

impl App {
    /// Seeds the demo centre into an empty database; does nothing if any user exists.
    /// Returns whether it seeded.
    pub async fn seed_demo(&self) -> AppResult<bool> {
        let store = self.store();
        if store.user_count().await? > 0 {
            return Ok(false);
        }
        let now = self.now();
        store.set_centre_name("Examhall Demo Centre", now).await?;
        let mut ids = std::collections::HashMap::new();
        for (username, password, display, role) in DEMO_ACCOUNTS {
            let hash = hash_password(password)?;
            let row = NewUserRow {
                username,
                display_name: display,
                role: *role,
                password_hash: &hash,
            };
            ids.insert(*username, store.insert_user(row, now).await?);
        }
        let exam_id = store
            .insert_exam(&demo_exam(), Some(ids["teacher"]), now)
            .await?;
        store.assign(exam_id, ids["candidate"], 1.0).await?;
        store.assign(exam_id, ids["candidate2"], 1.25).await?;
        // Zoë's planned accommodations: 25 % more time, larger text and the reading guide.
        let zoe = examhall_domain::DisplayPreset {
            text_step: 2,
            high_contrast: false,
            reading_guide: true,
        };
        store
            .set_display_preset(
                exam_id,
                ids["candidate2"],
                Some(&serde_json::to_string(&zoe).expect("a preset serialises")),
            )
            .await?;
        store
            .open_sitting(exam_id, DEMO_START_CODE, ids["invigilator"], now)
            .await?;
        tracing::info!("demo centre created");
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_exam_is_valid_and_covers_every_type() {
        let e = super::demo_exam();
        assert_eq!(e.validate(), Ok(()));
        let types: std::collections::BTreeSet<_> =
            e.questions.iter().map(|q| q.kind.type_name()).collect();
        assert_eq!(
            types.len(),
            6,
            "single, multiple, true/false, numeric, short text, essay: {types:?}"
        );
        assert!(examhall_domain::StartCode::parse(super::DEMO_START_CODE).is_ok());
    }
}
