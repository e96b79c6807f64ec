//! No candidate-facing use case returns key material. Two exams that differ only
//! in their keys must look byte-for-byte the same through every candidate call.

use crate::Ctx;
use examhall_domain::{QuestionKind, Tolerance};
use examhall_protocol::{AttemptRef, Navigate, SetAnswer, SetFlag, StartAttempt};

fn with_keys(variant: u8) -> examhall_domain::ExamSpec {
    let mut spec = examhall_app::demo::demo_exam();
    spec.title = "Key test".into();
    for q in &mut spec.questions {
        match &mut q.kind {
            QuestionKind::SingleChoice { correct, .. } => {
                *correct = if variant == 0 { "a" } else { "c" }.into()
            }
            QuestionKind::MultipleResponse { correct, .. } => {
                *correct = if variant == 0 {
                    vec!["a".into()]
                } else {
                    vec!["b".into(), "d".into()]
                }
            }
            QuestionKind::TrueFalse { correct } => *correct = variant == 0,
            QuestionKind::Numeric { value, tolerance } => {
                *value = if variant == 0 { 123456.75 } else { 8642.5 };
                *tolerance = if variant == 0 {
                    Tolerance::Exact
                } else {
                    Tolerance::Relative(0.25)
                };
            }
            QuestionKind::ShortText {
                accepted,
                case_sensitive,
            } => {
                *accepted = vec![if variant == 0 { "ZEBRAKEY" } else { "YAKKEY" }.into()];
                *case_sensitive = variant == 0;
            }
            // The marking guidance is for markers: key material too.
            QuestionKind::Essay { guidance } => {
                *guidance = (variant == 1).then(|| "GUIDANCEKEY: name Rayleigh".into())
            }
            other => panic!(
                "the demo exam gained a {} question: give it two keys here",
                other.type_name()
            ),
        }
    }
    spec
}

#[tokio::test]
async fn no_candidate_facing_use_case_returns_key_material() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let inv = ctx.login("invigilator").await;
    let t = ctx.login("candidate").await;
    let mut transcripts = Vec::new();
    for variant in [0u8, 1] {
        let exam_id = ctx
            .app
            .create_exam(&teacher, with_keys(variant))
            .await
            .unwrap();
        ctx.app
            .assign_exam(&teacher, exam_id, 4, 1.0)
            .await
            .unwrap();
        let code = ctx
            .app
            .open_sitting(&inv, examhall_protocol::OpenSitting::unscheduled(exam_id))
            .await
            .unwrap()
            .start_code;
        let mut out = Vec::<serde_json::Value>::new();
        let view = ctx
            .app
            .start_attempt(
                &t,
                StartAttempt {
                    exam_id,
                    start_code: code,
                },
            )
            .await
            .unwrap();
        let a = view.attempt_id.clone();
        out.push(serde_json::to_value(&view.questions).unwrap());
        let ack = ctx
            .app
            .set_answer(
                &t,
                SetAnswer {
                    attempt_id: a.clone(),
                    question_id: "q1".into(),
                    answer: Some(examhall_domain::Answer::Text("b".into())),
                },
            )
            .await
            .unwrap();
        out.push(serde_json::to_value(ack.clock).unwrap());
        let ack = ctx
            .app
            .set_flag(
                &t,
                SetFlag {
                    attempt_id: a.clone(),
                    question_id: "q2".into(),
                    flagged: true,
                },
            )
            .await
            .unwrap();
        out.push(serde_json::to_value(ack.clock).unwrap());
        let ack = ctx
            .app
            .navigate(
                &t,
                Navigate {
                    attempt_id: a.clone(),
                    index: 2,
                },
            )
            .await
            .unwrap();
        out.push(serde_json::to_value(ack.clock).unwrap());
        out.push(
            serde_json::to_value(
                ctx.app
                    .heartbeat(
                        &t,
                        AttemptRef {
                            attempt_id: a.clone(),
                        },
                    )
                    .await
                    .unwrap(),
            )
            .unwrap(),
        );
        let mut reopened = serde_json::to_value(
            ctx.app
                .open_attempt(
                    &t,
                    AttemptRef {
                        attempt_id: a.clone(),
                    },
                )
                .await
                .unwrap(),
        )
        .unwrap();
        reopened.as_object_mut().unwrap().remove("attempt_id");
        out.push(reopened);
        let mut cards =
            serde_json::to_value(ctx.app.my_exams(&t).await.unwrap().pop().unwrap()).unwrap();
        cards.as_object_mut().unwrap().remove("exam_id");
        cards.as_object_mut().unwrap().remove("state");
        out.push(cards);
        let text = serde_json::to_string(&out).unwrap();
        for secret in [
            "ZEBRAKEY",
            "YAKKEY",
            "123456",
            "8642",
            "correct",
            "accepted",
            "tolerance",
        ] {
            assert!(
                !text.contains(secret),
                "candidate output leaks {secret:?}: {text}"
            );
        }
        transcripts.push(out);
    }
    assert_eq!(
        transcripts[0], transcripts[1],
        "what the candidate receives must not depend on the keys"
    );
}
