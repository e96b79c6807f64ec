//! The question bank and the exam builder: importing with a dry run and "import
//! the valid ones", searching, versions, archiving, and building an exam with a
//! section and a random draw that candidates then sit.

use crate::Ctx;
use examhall_domain::{Answer, OrderRules, ResultRelease};
use examhall_protocol::bank::{
    BankEdit, BankFilter, DraftItem, ExamDraft, ImportMode, ImportRequest, PreviewExam,
    PublishExam, SectionDraft,
};
use examhall_protocol::{CandidateWidget, ErrorCode};

const GIFT: &str = "$CATEGORY: $course$/Physics/Mechanics\n\n\
// Comments are skipped.\n::g::Acceleration due to gravity in m/s²?{#9.81:0.05}\n\n\
::Newton::Who wrote the Principia?{=Newton =Isaac Newton ~%50%Leibniz}\n\n\
::Broken::A question with {=an unclosed block\n\n\
$CATEGORY: $course$/Physics/Optics\n\n\
::Lens::A converging lens has a positive focal length.{T}\n\n\
::Light::Light is a wave.{T}\n\n\
::Colour::White light holds every colour.{T}\n";

fn import(mode: ImportMode) -> ImportRequest {
    ImportRequest {
        format: "gift".into(),
        file_name: "/home/teacher/physics.gift".into(),
        content: GIFT.into(),
        base64: false,
        mode,
    }
}

fn all() -> BankFilter {
    BankFilter::default()
}

#[tokio::test]
async fn a_file_with_an_error_imports_nothing_unless_the_valid_ones_are_chosen() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let before = ctx.app.bank(&teacher, all()).await.unwrap().len();

    let dry = ctx
        .app
        .import_questions(&teacher, import(ImportMode::Check))
        .await
        .unwrap();
    assert_eq!((dry.items.len(), dry.imported, dry.skipped), (5, 0, 1));
    assert_eq!(dry.file_name, "physics.gift", "no folders in what is shown");
    assert_eq!(dry.errors[0].location, "physics.gift:8");
    assert!(
        dry.errors[0].message.contains("not closed"),
        "{:?}",
        dry.errors
    );
    assert_eq!(dry.items[0].category, ["Physics", "Mechanics"]);
    assert!(matches!(
        dry.items[0].preview.widget,
        CandidateWidget::Numeric
    ));
    assert_eq!(
        ctx.app.bank(&teacher, all()).await.unwrap().len(),
        before,
        "a dry run changes nothing"
    );

    let refused = ctx
        .app
        .import_questions(&teacher, import(ImportMode::All))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Invalid);
    assert!(
        refused
            .to_string()
            .contains("1 error(s); nothing was imported"),
        "{refused}"
    );
    assert_eq!(ctx.app.bank(&teacher, all()).await.unwrap().len(), before);

    let done = ctx
        .app
        .import_questions(&teacher, import(ImportMode::ValidOnly))
        .await
        .unwrap();
    assert_eq!((done.imported, done.skipped), (5, 1));
    assert!(done.items.iter().all(|i| i.id > 0));
    let bank = ctx.app.bank(&teacher, all()).await.unwrap();
    assert_eq!(bank.len(), before + 5);

    // Search and filters.
    let optics = ctx
        .app
        .bank(
            &teacher,
            BankFilter {
                category: vec!["Physics".into(), "Optics".into()],
                ..all()
            },
        )
        .await
        .unwrap();
    assert_eq!(optics.len(), 3);
    let physics = BankFilter {
        category: vec!["Physics".into()],
        ..all()
    };
    assert_eq!(ctx.app.bank(&teacher, physics).await.unwrap().len(), 5);
    let principia = BankFilter {
        text: "PRINCIPIA".into(),
        ..all()
    };
    let found = ctx.app.bank(&teacher, principia).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].location.as_deref(), Some("physics.gift:6"));
    let numeric = BankFilter {
        type_name: Some("numeric".into()),
        ..all()
    };
    assert!(ctx
        .app
        .bank(&teacher, numeric)
        .await
        .unwrap()
        .iter()
        .all(|i| i.type_name == "numeric"));

    // Candidates and invigilators have no bank.
    let candidate = ctx.login("candidate").await;
    assert_eq!(
        ctx.app.bank(&candidate, all()).await.unwrap_err().code(),
        ErrorCode::Forbidden
    );
    let bad = ImportRequest {
        format: "docx".into(),
        ..import(ImportMode::Check)
    };
    let e = ctx.app.import_questions(&teacher, bad).await.unwrap_err();
    assert!(e.to_string().contains("\"docx\" is not one of"), "{e}");
}

fn draft(sections: Vec<SectionDraft>) -> ExamDraft {
    ExamDraft {
        feedback: Default::default(),
        title: "Physics mock".into(),
        duration_minutes: 30,
        pass_mark_pct: 50.0,
        negative_marking: false,
        release: ResultRelease::Immediately,
        question_marks: true,
        order: OrderRules {
            shuffle_questions: true,
            shuffle_options: true,
        },
        window: Default::default(),
        navigation: Default::default(),
        sections,
    }
}

#[tokio::test]
async fn an_exam_built_with_a_section_and_a_draw_is_sat_and_graded_per_attempt() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let admin = ctx.login("admin").await;
    let done = ctx
        .app
        .import_questions(&teacher, import(ImportMode::ValidOnly))
        .await
        .unwrap();
    let newton = done
        .items
        .iter()
        .find(|i| i.question.id.as_str() == "newton")
        .unwrap()
        .id;
    let sections = vec![
        SectionDraft {
            title: "Mechanics".into(),
            instructions: "Answer both.".into(),
            items: vec![
                DraftItem::Fixed { bank_id: newton },
                DraftItem::Fixed {
                    bank_id: done.items[0].id,
                },
            ],
        },
        SectionDraft {
            title: "Optics".into(),
            instructions: String::new(),
            items: vec![DraftItem::Draw {
                count: 2,
                category: vec!["Physics".into(), "Optics".into()],
                tag: None,
            }],
        },
    ];

    // Too many drawn: refused, naming the section and the pool.
    let mut greedy = draft(sections.clone());
    greedy.sections[1].items[0] = DraftItem::Draw {
        count: 4,
        category: vec!["Physics".into(), "Optics".into()],
        tag: None,
    };
    let publish = |draft| PublishExam {
        draft,
        candidates: vec![],
        time_multipliers: Default::default(),
        draft_id: None,
    };
    let e = ctx
        .app
        .publish_exam(&teacher, publish(greedy))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("section 2 (Optics), item 1: the draw asks for 4 questions from category Physics/Optics but the bank has 3"),
        "{e}"
    );

    let preview = ctx
        .app
        .preview_exam(
            &teacher,
            PreviewExam {
                draft: draft(sections.clone()),
                seed: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(preview.questions.len(), 4);
    assert_eq!(preview.total_marks, 4.0);
    assert_eq!(preview.sections[0].title, "Mechanics");
    assert_eq!(preview.sections[1].count, 2);

    // Only candidates can be assigned, checked before anything is stored.
    let users = ctx
        .app
        .list_users(&admin, Default::default())
        .await
        .unwrap();
    let staff = users.iter().find(|u| u.username == "teacher").unwrap().id;
    let e = ctx
        .app
        .publish_exam(
            &teacher,
            PublishExam {
                draft: draft(sections.clone()),
                candidates: vec![staff],
                time_multipliers: Default::default(),
                draft_id: None,
            },
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("is not a candidate"), "{e}");
    let demo_candidate = ctx.app.candidates(&teacher).await.unwrap()[0].id;
    let published = ctx
        .app
        .publish_exam(
            &teacher,
            PublishExam {
                draft: draft(sections),
                candidates: vec![demo_candidate],
                time_multipliers: [(demo_candidate, 1.5)].into(),
                draft_id: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(published.assigned, 1);
    let exam_id = published.exam_id;
    // The bank remembers the versions used: editing one now makes a new version.
    let mut edited = ctx.app.bank(&teacher, all()).await.unwrap();
    let row = edited.iter_mut().find(|i| i.id == newton).unwrap();
    assert!(row.used);
    let edit = BankEdit {
        id: Some(newton),
        question: {
            let mut q = row.question.clone();
            q.prompt = "Who wrote the Principia Mathematica?".into();
            q
        },
        category: row.category.clone(),
        tags: vec!["history".into()],
        title: row.title.clone(),
    };
    let v2 = ctx.app.save_bank_question(&teacher, edit).await.unwrap();
    assert_ne!(v2.id, newton);
    assert_eq!(v2.version, 2);
    assert_eq!(v2.tags, ["history"]);
    let exam = ctx.app.exam_with_keys(&teacher, exam_id).await.unwrap();
    assert_eq!(
        exam.questions
            .iter()
            .find(|q| q.id.as_str() == "newton")
            .unwrap()
            .prompt,
        "Who wrote the Principia?",
        "the published exam keeps the version it was built with"
    );
    let archived = ctx.app.bank(&teacher, all()).await.unwrap();
    assert!(
        !archived.iter().any(|i| i.id == newton),
        "the old version is archived"
    );

    // Two candidates sit it: each gets the fixed two and two of the three optics
    // questions, the same ones on every view, and is graded on those four.
    let code = ctx
        .app
        .open_sitting(&admin, examhall_protocol::OpenSitting::unscheduled(exam_id))
        .await
        .unwrap()
        .start_code;
    let mut drawn = std::collections::BTreeSet::new();
    let mut sat = vec![];
    for name in ["ann", "bob", "cyd", "dee"] {
        let (token, view) = ctx
            .new_candidate_started(&admin, &teacher, name, exam_id, &code)
            .await;
        assert_eq!(view.questions.len(), 4);
        assert_eq!(view.sections.len(), 2);
        let again = ctx
            .app
            .open_attempt(
                &token,
                examhall_protocol::AttemptRef {
                    attempt_id: view.attempt_id.clone(),
                },
            )
            .await
            .unwrap();
        assert_eq!(again.questions, view.questions, "stable across views");
        let optics: Vec<String> = view.questions[2..].iter().map(|q| q.id.clone()).collect();
        drawn.extend(optics.clone());
        // A question this attempt did not draw is refused.
        let other = ["lens", "light", "colour"]
            .into_iter()
            .find(|q| !optics.iter().any(|o| o == q))
            .unwrap();
        let e = ctx
            .app
            .set_answer(
                &token,
                examhall_protocol::SetAnswer {
                    attempt_id: view.attempt_id.clone(),
                    question_id: other.into(),
                    answer: Some(Answer::Text("true".into())),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Invalid);
        let answers: Vec<(&str, Answer)> = optics
            .iter()
            .map(|q| (q.as_str(), Answer::Text("true".into())))
            .chain([
                ("newton", Answer::Text("a".into())),
                ("g", Answer::Text("9.8".into())),
            ])
            .collect();
        ctx.answer_and_submit(&token, &view.attempt_id, &answers)
            .await;
        sat.push((token, view.attempt_id.clone()));
    }
    assert!(drawn.len() >= 2);
    assert_eq!(ctx.drain().await, 4);
    for (token, attempt_id) in sat {
        let r = ctx
            .app
            .attempt_result(&token, examhall_protocol::AttemptRef { attempt_id })
            .await
            .unwrap();
        let examhall_protocol::ResultState::Released {
            total,
            max,
            questions,
            ..
        } = r.result
        else {
            panic!("{:?}", r.result)
        };
        assert_eq!((total, max, questions.len()), (4.0, 4.0, 4));
    }
}

#[tokio::test]
async fn a_forward_only_exam_does_not_let_a_candidate_go_back() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let admin = ctx.login("admin").await;
    let done = ctx
        .app
        .import_questions(&teacher, import(ImportMode::ValidOnly))
        .await
        .unwrap();
    let mut d = draft(vec![SectionDraft {
        title: "All".into(),
        instructions: String::new(),
        items: done
            .items
            .iter()
            .take(3)
            .map(|i| DraftItem::Fixed { bank_id: i.id })
            .collect(),
    }]);
    d.order.shuffle_questions = false;
    d.navigation = examhall_domain::Navigation::ForwardOnly;
    let bad = PublishExam {
        draft: d.clone(),
        candidates: vec![],
        time_multipliers: [(99, 1.5)].into(),
        draft_id: None,
    };
    let e = ctx.app.publish_exam(&teacher, bad).await.unwrap_err();
    assert!(e.to_string().contains("not among the candidates"), "{e}");
    let exam_id = ctx
        .app
        .publish_exam(
            &teacher,
            PublishExam {
                draft: d,
                candidates: vec![],
                time_multipliers: Default::default(),
                draft_id: None,
            },
        )
        .await
        .unwrap()
        .exam_id;
    let code = ctx
        .app
        .open_sitting(&admin, examhall_protocol::OpenSitting::unscheduled(exam_id))
        .await
        .unwrap()
        .start_code;
    let (token, view) = ctx
        .new_candidate_started(&admin, &teacher, "fwd", exam_id, &code)
        .await;
    assert_eq!(view.navigation, examhall_domain::Navigation::ForwardOnly);
    let first = view.questions[0].id.clone();
    let nav = |index| examhall_protocol::Navigate {
        attempt_id: view.attempt_id.clone(),
        index,
    };
    ctx.app.navigate(&token, nav(2)).await.unwrap();
    let back = ctx.app.navigate(&token, nav(1)).await.unwrap_err();
    assert!(
        back.to_string()
            .contains("forward only: question 2 is behind you"),
        "{back}"
    );
    let late = ctx
        .app
        .set_answer(
            &token,
            examhall_protocol::SetAnswer {
                attempt_id: view.attempt_id.clone(),
                question_id: first,
                answer: Some(Answer::Text("1".into())),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(late.code(), ErrorCode::Invalid);
    assert!(
        late.to_string().contains("question 1 is behind you"),
        "{late}"
    );
    // The current question is still open.
    ctx.app
        .set_answer(
            &token,
            examhall_protocol::SetAnswer {
                attempt_id: view.attempt_id.clone(),
                question_id: view.questions[2].id.clone(),
                answer: Some(Answer::Text("true".into())),
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_bank_exports_to_gift_json_and_qti_and_reads_back_the_same() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    ctx.app
        .import_questions(&teacher, import(ImportMode::ValidOnly))
        .await
        .unwrap();
    let physics = vec!["Physics".to_owned()];
    let stored: Vec<_> = ctx
        .app
        .bank(
            &teacher,
            BankFilter {
                category: physics.clone(),
                ..all()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|i| (i.question.prompt, i.question.kind))
        .collect();
    assert_eq!(stored.len(), 5);
    for format in [
        examhall_formats::Format::Json,
        examhall_formats::Format::Gift,
        examhall_formats::Format::Qti,
    ] {
        let bytes = ctx.app.export_bank_file(format, &physics).await.unwrap();
        let back = examhall_formats::import_bytes(format, &bytes);
        assert_eq!(back.errors, vec![], "{format:?}");
        let mut got: Vec<_> = back
            .items
            .into_iter()
            .map(|i| (i.question.prompt, i.question.kind))
            .collect();
        let mut want = stored.clone();
        // GIFT groups by category; compare as sets.
        got.sort_by(|a, b| a.0.cmp(&b.0));
        want.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got, want, "{format:?}");
    }
    let e = ctx
        .app
        .export_bank_file(examhall_formats::Format::Csv, &physics)
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("gift, json, qti or moodle-xml"),
        "{e}"
    );
}

#[tokio::test]
async fn a_bank_question_never_comes_up_twice_in_an_attempt() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let done = ctx
        .app
        .import_questions(&teacher, import(ImportMode::ValidOnly))
        .await
        .unwrap();
    let lens = done
        .items
        .iter()
        .find(|i| i.question.id.as_str() == "lens")
        .unwrap()
        .id;
    let optics = || DraftItem::Draw {
        count: 2,
        category: vec!["Physics".into(), "Optics".into()],
        tag: None,
    };
    // Fixed in one section, in the pool of a draw in another: the draw leaves it out.
    let d = draft(vec![
        SectionDraft {
            title: "A".into(),
            instructions: String::new(),
            items: vec![DraftItem::Fixed { bank_id: lens }],
        },
        SectionDraft {
            title: "B".into(),
            instructions: String::new(),
            items: vec![optics()],
        },
    ]);
    for seed in 0..20 {
        let p = ctx
            .app
            .preview_exam(
                &teacher,
                PreviewExam {
                    draft: d.clone(),
                    seed,
                },
            )
            .await
            .unwrap();
        let ids: std::collections::BTreeSet<_> = p.questions.iter().map(|q| &q.id).collect();
        assert_eq!(ids.len(), 3, "three different questions: {ids:?}");
    }
    // Two draws over the same pool are refused, naming both.
    let twice = draft(vec![SectionDraft {
        title: "C".into(),
        instructions: String::new(),
        items: vec![optics(), optics()],
    }]);
    let e = ctx
        .app
        .preview_exam(
            &teacher,
            PreviewExam {
                draft: twice,
                seed: 0,
            },
        )
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("section 1 (C), item 2: this draw and section 1 (C), item 1 share question"),
        "{e}"
    );
}

#[tokio::test]
async fn a_gift_description_is_left_out_with_a_warning_and_the_file_imports_whole() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let before = ctx.app.bank(&teacher, all()).await.unwrap().len();
    let req = ImportRequest {
        format: "gift".into(),
        file_name: "moodle-export.gift".into(),
        content: "::Intro::Read the passage below, then answer.\n\n\
                  ::Q1::The passage is about rivers.{T}\n"
            .into(),
        base64: false,
        mode: ImportMode::All,
    };
    let done = ctx.app.import_questions(&teacher, req).await.unwrap();
    assert_eq!(
        (done.imported, done.skipped),
        (1, 0),
        "all-or-nothing goes through"
    );
    assert!(done.errors.is_empty(), "{:?}", done.errors);
    assert_eq!(done.warnings.len(), 1);
    assert_eq!(done.warnings[0].location, "moodle-export.gift:1");
    assert!(done.warnings[0].message.contains("description"));
    assert_eq!(
        ctx.app.bank(&teacher, all()).await.unwrap().len(),
        before + 1
    );
}

/// A teacher imports one question file of the corpus (`../shared/corpus/import/`,
/// read in place) and publishes an exam of its one question; an administrator
/// opens a sitting. The exam's id, its start code and the question's id.
async fn exam_of_a_corpus_file(
    ctx: &Ctx,
    teacher: &str,
    admin: &str,
    format: &str,
    file: &str,
) -> (i64, String, String) {
    let path = format!(
        "{}/../../../shared/corpus/import/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let content = std::fs::read_to_string(&path).expect("../shared/corpus beside the checkout");
    let done = ctx
        .app
        .import_questions(
            teacher,
            ImportRequest {
                format: format.into(),
                file_name: file.into(),
                content,
                base64: false,
                mode: ImportMode::All,
            },
        )
        .await
        .unwrap();
    assert_eq!(done.items.len(), 1, "{file}");
    let published = ctx
        .app
        .publish_exam(
            teacher,
            PublishExam {
                draft: ExamDraft {
                    title: file.into(),
                    ..draft(vec![SectionDraft {
                        title: "Imported".into(),
                        instructions: String::new(),
                        items: vec![DraftItem::Fixed {
                            bank_id: done.items[0].id,
                        }],
                    }])
                },
                candidates: vec![],
                time_multipliers: Default::default(),
                draft_id: None,
            },
        )
        .await
        .unwrap();
    let code = ctx
        .app
        .open_sitting(
            admin,
            examhall_protocol::OpenSitting::unscheduled(published.exam_id),
        )
        .await
        .unwrap()
        .start_code;
    (
        published.exam_id,
        code,
        done.items[0].question.id.to_string(),
    )
}

/// The QTI specification's own match.xml (read from `../shared/corpus`), whose
/// pairs are worth 1, 0.5, 0.5 and 1, imported by a teacher, sat by a candidate
/// who gets Capulet and Prospero right and Demetrius wrong, and graded by the
/// queue as the QTI reference would: 2 of 3 (equal shares would give 1.5).
#[tokio::test]
async fn a_weighted_matching_question_from_qti_is_sat_and_graded_by_its_pair_values() {
    let ctx = Ctx::demo().await;
    let (teacher, admin) = (ctx.login("teacher").await, ctx.login("admin").await);
    let (exam_id, code, _) =
        exam_of_a_corpus_file(&ctx, &teacher, &admin, "qti", "qti/match.xml").await;
    let (token, view) = ctx
        .new_candidate_started(&admin, &teacher, "ann", exam_id, &code)
        .await;
    let CandidateWidget::Matching { items, choices } = &view.questions[0].widget else {
        panic!("{:?}", view.questions[0].widget)
    };
    assert_eq!(items.len(), 4);
    assert_eq!(
        choices.len(),
        3,
        "each play once, whatever the pairs' values"
    );
    let answer = Answer::Map(
        [
            ("C", "Romeo and Juliet"),
            ("D", "The Tempest"),
            ("P", "The Tempest"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect(),
    );
    ctx.answer_and_submit(&token, &view.attempt_id, &[("match", answer)])
        .await;
    assert_eq!(ctx.drain().await, 1);
    let r = ctx
        .app
        .attempt_result(
            &token,
            examhall_protocol::AttemptRef {
                attempt_id: view.attempt_id.clone(),
            },
        )
        .await
        .unwrap();
    let examhall_protocol::ResultState::Released { total, max, .. } = r.result else {
        panic!("{:?}", r.result)
    };
    assert_eq!((total, max), (2.0, 3.0));
}

/// Moodle's calculatedsimple fixture (read from `../shared/corpus`): each
/// candidate sees the values of their own attempt (the same after reopening
/// it), answers with the number those values give, and the queue grades it with
/// that attempt's values: full marks for both, though their numbers differ.
#[tokio::test]
async fn a_calculated_question_is_sat_with_the_attempts_own_values_and_graded_with_them() {
    let ctx = Ctx::demo().await;
    let (teacher, admin) = (ctx.login("teacher").await, ctx.login("admin").await);
    let (exam_id, code, qid) = exam_of_a_corpus_file(
        &ctx,
        &teacher,
        &admin,
        "moodle-xml",
        "moodle-xml/calculatedsimple.xml",
    )
    .await;
    let number_after = |text: &str, label: &str| -> f64 {
        let at = text.find(label).unwrap() + label.len();
        text[at..]
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let mut prompts = std::collections::BTreeSet::new();
    let mut sat = vec![];
    for name in ["ann", "bob", "cyd", "dee", "eve", "fay"] {
        let (token, view) = ctx
            .new_candidate_started(&admin, &teacher, name, exam_id, &code)
            .await;
        let prompt = view.questions[0].prompt.clone();
        assert!(!prompt.contains("{h}"), "{prompt}");
        assert!(matches!(view.questions[0].widget, CandidateWidget::Numeric));
        let again = ctx
            .app
            .open_attempt(
                &token,
                examhall_protocol::AttemptRef {
                    attempt_id: view.attempt_id.clone(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            again.questions[0].prompt, prompt,
            "the same values on reopening"
        );
        let volume = number_after(&prompt, "height is ")
            * number_after(&prompt, "length is ")
            * number_after(&prompt, "width is ");
        let answer = format!("{:.3}", volume);
        ctx.answer_and_submit(
            &token,
            &view.attempt_id,
            &[(qid.as_str(), Answer::Text(answer))],
        )
        .await;
        prompts.insert(prompt);
        sat.push((token, view.attempt_id.clone()));
    }
    assert!(prompts.len() > 1, "candidates get different numbers");
    assert_eq!(ctx.drain().await, sat.len());
    for (token, attempt_id) in sat {
        let r = ctx
            .app
            .attempt_result(&token, examhall_protocol::AttemptRef { attempt_id })
            .await
            .unwrap();
        let examhall_protocol::ResultState::Released {
            total,
            max,
            questions,
            ..
        } = r.result
        else {
            panic!("{:?}", r.result)
        };
        assert_eq!((total, max), (1.9, 1.9));
        // The result names the question as the candidate read it.
        assert!(
            prompts.contains(&questions[0].prompt),
            "{:?}",
            questions[0].prompt
        );
    }
}

/// QTI's templated choice (UPMC's `relatif3.xml`, read from `../shared/corpus`):
/// each candidate's options show the values of their own attempt, and the
/// option showing a − b is the right one for every attempt, whatever a and b.
#[tokio::test]
async fn a_templated_choice_shows_each_attempts_values_and_grades_the_option_that_is_right_for_them(
) {
    let ctx = Ctx::demo().await;
    let (teacher, admin) = (ctx.login("teacher").await, ctx.login("admin").await);
    let (exam_id, code, qid) =
        exam_of_a_corpus_file(&ctx, &teacher, &admin, "qti", "qti/relatif3.xml").await;
    let num = |s: &str| s.trim().parse::<f64>().unwrap();
    let mut prompts = std::collections::BTreeSet::new();
    let mut sat = vec![];
    for (n, name) in ["ann", "bob", "cyd", "dee"].into_iter().enumerate() {
        let (token, view) = ctx
            .new_candidate_started(&admin, &teacher, name, exam_id, &code)
            .await;
        let q = &view.questions[0];
        let (a, rest) = q.prompt.split_once("-(").unwrap();
        let b = rest.split_once(')').unwrap().0;
        let difference = num(a) - num(b);
        let CandidateWidget::SingleChoice { options } = &q.widget else {
            panic!("{:?}", q.widget)
        };
        assert!(options.iter().all(|o| !o.text.contains('{')), "{options:?}");
        // Ann and Cyd pick the option showing a − b, Bob and Dee another.
        let right = options
            .iter()
            .find(|o| (num(&o.text) - difference).abs() < 1e-9)
            .unwrap_or_else(|| panic!("{} {options:?}", q.prompt));
        let pick = if n % 2 == 0 {
            right
        } else {
            options.iter().find(|o| o.id != right.id).unwrap()
        };
        ctx.answer_and_submit(
            &token,
            &view.attempt_id,
            &[(qid.as_str(), Answer::Text(pick.id.clone()))],
        )
        .await;
        prompts.insert(q.prompt.clone());
        sat.push((token, view.attempt_id.clone(), n % 2 == 0));
    }
    assert!(prompts.len() > 1, "candidates get different numbers");
    assert_eq!(ctx.drain().await, sat.len());
    for (token, attempt_id, right) in sat {
        let r = ctx
            .app
            .attempt_result(&token, examhall_protocol::AttemptRef { attempt_id })
            .await
            .unwrap();
        let examhall_protocol::ResultState::Released { total, max, .. } = r.result else {
            panic!("{:?}", r.result)
        };
        assert_eq!((total, max), (if right { 2.0 } else { 0.0 }, 2.0));
    }
}

/// Corrections of a drawn question: an exam draws one of three optics
/// questions per attempt. Correcting a pool question's key regrades those who
/// drew it and leaves the others as they were; voiding another gives its full
/// marks to those who drew it only. Every total stays out of the same maximum.
#[tokio::test]
async fn corrections_of_a_drawn_question_reach_exactly_those_who_drew_it() {
    use examhall_domain::QuestionKind;
    use examhall_protocol::KeyCorrection;
    let ctx = Ctx::demo().await;
    let (teacher, admin) = (ctx.login("teacher").await, ctx.login("admin").await);
    ctx.app
        .import_questions(&teacher, import(ImportMode::ValidOnly))
        .await
        .unwrap();
    let published = ctx
        .app
        .publish_exam(
            &teacher,
            PublishExam {
                draft: draft(vec![SectionDraft {
                    title: "Optics".into(),
                    instructions: String::new(),
                    items: vec![DraftItem::Draw {
                        count: 1,
                        category: vec!["Physics".into(), "Optics".into()],
                        tag: None,
                    }],
                }]),
                candidates: vec![],
                time_multipliers: Default::default(),
                draft_id: None,
            },
        )
        .await
        .unwrap();
    let exam_id = published.exam_id;
    let code = ctx
        .app
        .open_sitting(&admin, examhall_protocol::OpenSitting::unscheduled(exam_id))
        .await
        .unwrap()
        .start_code;
    // Everyone answers "true", right for all three as printed.
    let mut sat = vec![];
    for n in 0..12 {
        let (token, view) = ctx
            .new_candidate_started(&admin, &teacher, &format!("cand{n}"), exam_id, &code)
            .await;
        let qid = view.questions[0].id.clone();
        ctx.answer_and_submit(
            &token,
            &view.attempt_id,
            &[(qid.as_str(), Answer::Text("true".into()))],
        )
        .await;
        sat.push((token, view.attempt_id.clone(), qid));
    }
    assert_eq!(ctx.drain().await, sat.len());
    let drew = |q: &str| sat.iter().filter(|s| s.2 == q).count();
    assert!(
        drew("light") > 0 && drew("colour") > 0,
        "both drawn by someone"
    );
    let totals = |ctx: &Ctx| {
        let sat = sat.clone();
        let app = ctx.app.clone();
        async move {
            let mut out = vec![];
            for (token, attempt_id, qid) in sat {
                let r = app
                    .attempt_result(&token, examhall_protocol::AttemptRef { attempt_id })
                    .await
                    .unwrap();
                let examhall_protocol::ResultState::Released { total, max, .. } = r.result else {
                    panic!("{:?}", r.result)
                };
                out.push((qid, total, max));
            }
            out
        }
    };
    assert!(totals(&ctx)
        .await
        .iter()
        .all(|(_, t, m)| (*t, *m) == (1.0, 1.0)));
    // Another teacher neither reads this exam's keys nor corrects them.
    let (_, other) =
        crate::drafts::staff(&ctx, &admin, "tessa", examhall_domain::Role::Teacher).await;
    let e = ctx.app.exam_keys(&other, exam_id).await;
    assert!(
        matches!(e, Err(examhall_app::AppError::NotFound(_))),
        "{e:?}"
    );
    let e = ctx
        .app
        .preview_regrade(
            &other,
            KeyCorrection {
                exam_id,
                question_id: "light".into(),
                key: None,
                void: true,
                reason: "x".into(),
            },
        )
        .await;
    assert!(
        matches!(e, Err(examhall_app::AppError::NotFound(_))),
        "{e:?}"
    );
    assert_eq!(ctx.app.exam_keys(&teacher, exam_id).await.unwrap().len(), 3);
    // "Light is a wave" is false as the course teaches it (a key correction),
    // then "White light holds every colour" is voided.
    let correction = |q: &str, key: Option<QuestionKind>| KeyCorrection {
        exam_id,
        question_id: q.into(),
        void: key.is_none(),
        key,
        reason: "Review after the exam".into(),
    };
    let started = ctx
        .app
        .apply_regrade(
            &teacher,
            correction("light", Some(QuestionKind::TrueFalse { correct: false })),
        )
        .await
        .unwrap();
    assert_eq!(
        started.task_ids.len(),
        sat.len(),
        "every graded attempt is looked at"
    );
    ctx.drain().await;
    for (qid, total, max) in totals(&ctx).await {
        let want = if qid == "light" { 0.0 } else { 1.0 };
        assert_eq!((total, max), (want, 1.0), "{qid}");
    }
    ctx.app
        .apply_regrade(&teacher, correction("colour", None))
        .await
        .unwrap();
    ctx.drain().await;
    for (qid, total, max) in totals(&ctx).await {
        let want = if qid == "light" { 0.0 } else { 1.0 };
        assert_eq!((total, max), (want, 1.0), "{qid}");
    }
    // The void shows on the results of those who drew it, nowhere else.
    for (token, attempt_id, qid) in &sat {
        let r = ctx
            .app
            .attempt_result(
                token,
                examhall_protocol::AttemptRef {
                    attempt_id: attempt_id.clone(),
                },
            )
            .await
            .unwrap();
        let examhall_protocol::ResultState::Released { questions, .. } = r.result else {
            panic!()
        };
        assert_eq!(questions.len(), 1);
        let voided = questions[0].outcome == examhall_domain::Outcome::Voided;
        assert_eq!(voided, qid == "colour", "{qid}");
    }
}

/// The bank screen's Export: the teacher's questions of a category as Moodle
/// XML (read back by the Moodle XML import: the same questions), GIFT, QTI or
/// JSON; an unknown format and an empty category are refused by field, and a
/// candidate may not export.
#[tokio::test]
async fn a_teacher_exports_the_bank_as_moodle_xml_and_it_reads_back() {
    use examhall_protocol::bank::ExportBank;
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    ctx.app
        .import_questions(&teacher, import(ImportMode::ValidOnly))
        .await
        .unwrap();
    let req = |format: &str, category: &[&str]| ExportBank {
        format: format.into(),
        category: category.iter().map(|c| (*c).to_owned()).collect(),
    };
    let file = ctx
        .app
        .export_bank(&teacher, req("moodle-xml", &["Physics", "Optics"]))
        .await
        .unwrap();
    assert_eq!(file.file_name, "question-bank-physics-optics.moodle.xml");
    let back = examhall_formats::moodle_xml::from_text(std::str::from_utf8(&file.bytes).unwrap());
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    let mut titles: Vec<_> = back.items.iter().filter_map(|i| i.title.clone()).collect();
    titles.sort();
    assert_eq!(titles, vec!["Colour", "Lens", "Light"]);
    assert!(back
        .items
        .iter()
        .all(|i| i.category == vec!["Physics", "Optics"]
            && i.question.kind == examhall_domain::QuestionKind::TrueFalse { correct: true }));
    for (format, ends) in [
        ("gift", ".gift.txt"),
        ("json", ".json"),
        ("qti", ".qti.zip"),
    ] {
        let f = ctx
            .app
            .export_bank(&teacher, req(format, &[]))
            .await
            .unwrap();
        assert!(
            f.file_name.ends_with(ends) && !f.bytes.is_empty(),
            "{}",
            f.file_name
        );
    }
    for (bad, field) in [
        (req("csv", &[]), "format"),
        (req("gift", &["Nowhere"]), "category"),
    ] {
        let e = ctx.app.export_bank(&teacher, bad).await;
        assert!(
            matches!(e, Err(examhall_app::AppError::Invalid { field: ref f, .. }) if f == field),
            "{e:?}"
        );
    }
    let cand = ctx.login("candidate").await;
    let e = ctx.app.export_bank(&cand, req("gift", &[])).await;
    assert!(
        matches!(e, Err(examhall_app::AppError::Forbidden { .. })),
        "{e:?}"
    );
}

/// Feedback with results: a GIFT question's per-answer and general feedback
/// reach the candidate with the released result when the exam says so, and
/// never when it does not (the default).
#[tokio::test]
async fn feedback_reaches_the_candidate_with_the_result_only_when_the_exam_gives_it() {
    use examhall_domain::Feedback;
    let ctx = Ctx::demo().await;
    let (teacher, admin) = (ctx.login("teacher").await, ctx.login("admin").await);
    let done = ctx
        .app
        .import_questions(
            &teacher,
            ImportRequest {
                format: "gift".into(),
                file_name: "planets.gift".into(),
                content: "::Closest::Which planet is closest to the Sun?{=Mercury#Right: it orbits in 88 days. ~Venus#Venus is second. ####Order: Mercury, Venus, Earth.}\n".into(),
                base64: false,
                mode: ImportMode::All,
            },
        )
        .await
        .unwrap();
    let bank_id = done.items[0].id;
    for (feedback, want) in [
        (
            Feedback::WithResults,
            vec!["Venus is second.", "Order: Mercury, Venus, Earth."],
        ),
        (Feedback::Never, vec![]),
    ] {
        let published = ctx
            .app
            .publish_exam(
                &teacher,
                PublishExam {
                    draft: ExamDraft {
                        feedback,
                        ..draft(vec![SectionDraft {
                            title: "Planets".into(),
                            instructions: String::new(),
                            items: vec![DraftItem::Fixed { bank_id }],
                        }])
                    },
                    candidates: vec![],
                    time_multipliers: Default::default(),
                    draft_id: None,
                },
            )
            .await
            .unwrap();
        let code = ctx
            .app
            .open_sitting(
                &admin,
                examhall_protocol::OpenSitting::unscheduled(published.exam_id),
            )
            .await
            .unwrap()
            .start_code;
        let name = format!("fb{}", want.len());
        let (token, view) = ctx
            .new_candidate_started(&admin, &teacher, &name, published.exam_id, &code)
            .await;
        let CandidateWidget::SingleChoice { options } = &view.questions[0].widget else {
            panic!("{:?}", view.questions[0].widget)
        };
        assert!(
            !format!("{:?}", view.questions[0]).contains("second"),
            "no feedback during the exam"
        );
        let venus = options
            .iter()
            .find(|o| o.text == "Venus")
            .unwrap()
            .id
            .clone();
        let qid = view.questions[0].id.clone();
        ctx.answer_and_submit(
            &token,
            &view.attempt_id,
            &[(qid.as_str(), Answer::Text(venus))],
        )
        .await;
        ctx.drain().await;
        let r = ctx
            .app
            .attempt_result(
                &token,
                examhall_protocol::AttemptRef {
                    attempt_id: view.attempt_id.clone(),
                },
            )
            .await
            .unwrap();
        let examhall_protocol::ResultState::Released {
            questions, total, ..
        } = r.result
        else {
            panic!("{:?}", r.result)
        };
        assert_eq!(total, 0.0);
        assert_eq!(questions[0].feedback, want, "{feedback:?}");
    }
}
