//! An exam's life before its first attempt (issue 15, point 6): drafts saved and
//! reopened by their owner only, a published exam cloned into a new draft, and
//! edited in place until a candidate starts it, then refused.

use crate::Ctx;
use examhall_domain::{OrderRules, ResultRelease};
use examhall_protocol::bank::{
    DraftItem, ExamDraft, ImportMode, ImportRequest, PublishExam, SaveDraft, SectionDraft,
};
use examhall_protocol::{ErrorCode, LoginRequest, NewUser, OpenSitting, Role};

const GIFT: &str = "$CATEGORY: $course$/Geo\n\n\
::capital::The capital of France?{=Paris ~Lyon ~Nice}\n\n\
::river::The longest river in France?{=Loire ~Seine ~Rhone}\n\n\
::flat::The Netherlands is flat.{T}\n";

fn draft(title: &str, bank_ids: &[i64]) -> ExamDraft {
    ExamDraft {
        feedback: Default::default(),
        title: title.into(),
        duration_minutes: 20,
        pass_mark_pct: 50.0,
        negative_marking: false,
        release: ResultRelease::Immediately,
        question_marks: true,
        order: OrderRules::default(),
        window: Default::default(),
        navigation: Default::default(),
        sections: vec![SectionDraft {
            title: "Geography".into(),
            instructions: String::new(),
            items: bank_ids
                .iter()
                .map(|id| DraftItem::Fixed { bank_id: *id })
                .collect(),
        }],
    }
}

fn body(draft: ExamDraft, candidates: Vec<i64>) -> PublishExam {
    PublishExam {
        draft,
        candidates,
        time_multipliers: Default::default(),
        draft_id: None,
    }
}

/// The bank ids of the three imported questions, in file order.
async fn bank(ctx: &Ctx, teacher: &str) -> Vec<i64> {
    let req = ImportRequest {
        format: "gift".into(),
        file_name: "geo.gift".into(),
        content: GIFT.into(),
        base64: false,
        mode: ImportMode::All,
    };
    let done = ctx.app.import_questions(teacher, req).await.unwrap();
    assert_eq!(done.imported, 3, "{:?}", done.errors);
    done.items.iter().map(|i| i.id).collect()
}

pub(crate) async fn staff(ctx: &Ctx, admin: &str, username: &str, role: Role) -> (i64, String) {
    let new = NewUser {
        username: username.into(),
        display_name: username.to_uppercase(),
        password: "password-123".into(),
        role,
        email: None,
        candidate_number: None,
    };
    let u = ctx.app.create_user(admin, new).await.unwrap();
    let token = ctx
        .app
        .login(LoginRequest {
            username: username.into(),
            password: "password-123".into(),
        })
        .await
        .unwrap()
        .token;
    (u.id, token)
}

#[tokio::test]
async fn a_draft_is_saved_unfinished_reopened_by_its_owner_only_and_published_once() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let admin = ctx.login("admin").await;
    let ids = bank(&ctx, &teacher).await;

    // Unfinished: no questions yet, which publishing would refuse.
    let mut d = draft("  Geography quiz ", &[]);
    let saved = ctx
        .app
        .save_draft(
            &teacher,
            SaveDraft {
                id: None,
                body: body(d.clone(), vec![]),
            },
        )
        .await
        .unwrap();
    assert_eq!(saved.title, "Geography quiz", "shown trimmed");
    assert_eq!(saved.exam_id, None, "a new exam's draft");
    let e = ctx
        .app
        .publish_exam(
            &teacher,
            PublishExam {
                draft_id: Some(saved.id),
                ..body(d.clone(), vec![])
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::Invalid,
        "an empty exam is not published: {e}"
    );
    assert_eq!(
        ctx.app.drafts(&teacher).await.unwrap().len(),
        1,
        "a refused publish keeps the draft"
    );

    // Later: the questions added, saved over the same draft.
    ctx.clock.advance_secs(60);
    d.sections[0].items = ids
        .iter()
        .map(|id| DraftItem::Fixed { bank_id: *id })
        .collect();
    let again = ctx
        .app
        .save_draft(
            &teacher,
            SaveDraft {
                id: Some(saved.id),
                body: body(d.clone(), vec![]),
            },
        )
        .await
        .unwrap();
    assert_eq!(again.id, saved.id, "saved over, not a second draft");
    assert!(again.updated_at_ms > saved.updated_at_ms);
    let open = ctx.app.open_draft(&teacher, saved.id).await.unwrap();
    assert_eq!(open.body.draft.sections[0].items.len(), 3);
    assert_eq!(ctx.app.drafts(&teacher).await.unwrap(), vec![again.clone()]);

    // Nobody else reaches it: another teacher and even an administrator get
    // "not found" (drafts are personal); a candidate may not have drafts at all.
    let (_, other) = staff(&ctx, &admin, "tessa", Role::Teacher).await;
    for who in [&other, &admin] {
        assert_eq!(
            ctx.app.open_draft(who, saved.id).await.unwrap_err().code(),
            ErrorCode::NotFound
        );
        let over = SaveDraft {
            id: Some(saved.id),
            body: body(draft("Hijacked", &[]), vec![]),
        };
        assert_eq!(
            ctx.app.save_draft(who, over).await.unwrap_err().code(),
            ErrorCode::NotFound
        );
        assert_eq!(
            ctx.app
                .delete_draft(who, saved.id)
                .await
                .unwrap_err()
                .code(),
            ErrorCode::NotFound
        );
        assert!(ctx.app.drafts(who).await.unwrap().is_empty());
    }
    let candidate = ctx.login("candidate").await;
    assert_eq!(
        ctx.app.drafts(&candidate).await.unwrap_err().code(),
        ErrorCode::Forbidden
    );
    let stolen = PublishExam {
        draft_id: Some(saved.id),
        ..body(d.clone(), vec![])
    };
    assert_eq!(
        ctx.app
            .publish_exam(&other, stolen)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound,
        "publishing names only one's own draft"
    );
    assert_eq!(
        ctx.app
            .open_draft(&teacher, saved.id)
            .await
            .unwrap()
            .body
            .draft
            .title,
        "  Geography quiz ",
        "the failed overwrite changed nothing"
    );

    // Published from the draft: the draft is gone, the exam is there and can be
    // cloned and edited (it was built in the builder).
    let published = ctx
        .app
        .publish_exam(
            &teacher,
            PublishExam {
                draft_id: Some(saved.id),
                ..body(d, vec![])
            },
        )
        .await
        .unwrap();
    assert!(ctx.app.drafts(&teacher).await.unwrap().is_empty());
    assert_eq!(
        ctx.app
            .open_draft(&teacher, saved.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let listed = ctx.app.list_exams(&teacher).await.unwrap();
    let row = listed
        .iter()
        .find(|e| e.exam_id == published.exam_id)
        .unwrap();
    assert!(row.from_builder);
    assert!(
        listed
            .iter()
            .filter(|e| e.exam_id != published.exam_id)
            .all(|e| !e.from_builder),
        "the demo's exam came without a builder form"
    );
    let demo_exam = listed.iter().find(|e| !e.from_builder).unwrap().exam_id;
    let e = ctx.app.edit_exam(&admin, demo_exam).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(
        e.to_string().contains("not built in the exam builder"),
        "{e}"
    );
    // Deleting a draft: gone from the list.
    let scrap = ctx
        .app
        .save_draft(
            &teacher,
            SaveDraft {
                id: None,
                body: body(draft("Scrap", &[]), vec![]),
            },
        )
        .await
        .unwrap();
    ctx.app.delete_draft(&teacher, scrap.id).await.unwrap();
    assert!(ctx.app.drafts(&teacher).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_published_exam_is_edited_in_place_until_its_first_attempt_and_cloned_after() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let admin = ctx.login("admin").await;
    let ids = bank(&ctx, &teacher).await;
    let (ann, _) = staff(&ctx, &admin, "ann", Role::Candidate).await;
    let (bea, bea_token) = staff(&ctx, &admin, "bea", Role::Candidate).await;
    let mut req = body(draft("Geography", &ids[..2]), vec![ann, bea]);
    req.time_multipliers.insert(bea, 1.5);
    let exam_id = ctx.app.publish_exam(&teacher, req).await.unwrap().exam_id;

    // Edit: a draft with the exam's form, its candidates and their extra time.
    let edit = ctx.app.edit_exam(&teacher, exam_id).await.unwrap();
    assert_eq!(edit.summary.exam_id, Some(exam_id));
    assert_eq!(edit.body.draft.title, "Geography");
    assert_eq!(edit.body.candidates.len(), 2);
    assert_eq!(edit.body.time_multipliers.get(&bea), Some(&1.5));
    assert_eq!(
        ctx.app
            .edit_exam(&teacher, exam_id)
            .await
            .unwrap()
            .summary
            .id,
        edit.summary.id,
        "editing again reopens the same draft"
    );
    // Another teacher does not reach the exam at all.
    let (_, other) = staff(&ctx, &admin, "tessa", Role::Teacher).await;
    assert_eq!(
        ctx.app.edit_exam(&other, exam_id).await.unwrap_err().code(),
        ErrorCode::NotFound
    );

    // Changed: a third question, a new title, Ann no longer sits it.
    let mut changed = edit.body.clone();
    changed.draft.title = "Geography (revised)".into();
    changed.draft.sections[0]
        .items
        .push(DraftItem::Fixed { bank_id: ids[2] });
    changed.candidates = vec![bea];
    changed.draft_id = Some(edit.summary.id);
    let out = ctx.app.publish_exam(&teacher, changed).await.unwrap();
    assert_eq!(out.exam_id, exam_id, "changed in place, not a new exam");
    let spec = ctx.app.exam_with_keys(&teacher, exam_id).await.unwrap();
    assert_eq!(spec.title, "Geography (revised)");
    assert_eq!(spec.questions.len(), 3);
    let cands = ctx.app.exam_candidates(&teacher, exam_id).await.unwrap();
    let names: Vec<&str> = cands.rows.iter().map(|r| r.username.as_str()).collect();
    assert_eq!(names, ["bea"], "Ann unassigned");
    assert_eq!(
        cands.rows[0].time_multiplier, 1.5,
        "Bea keeps her extra time"
    );
    assert!(
        cands
            .history
            .iter()
            .any(|h| h.username == "ann" && h.action == "unassigned"),
        "the unassignment is recorded"
    );
    assert!(ctx.app.drafts(&teacher).await.unwrap().is_empty());

    // Bea starts it: from then on it is no longer edited, and a draft opened
    // before she started cannot change it either.
    let late = ctx.app.edit_exam(&teacher, exam_id).await.unwrap();
    let code = ctx
        .app
        .open_sitting(&admin, OpenSitting::unscheduled(exam_id))
        .await
        .unwrap()
        .start_code;
    let view = ctx
        .app
        .start_attempt(
            &bea_token,
            examhall_protocol::StartAttempt {
                exam_id,
                start_code: code,
            },
        )
        .await
        .unwrap();
    assert_eq!(view.questions.len(), 3, "she sits the edited exam");
    let e = ctx.app.edit_exam(&teacher, exam_id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("started"), "{e}");
    let mut sneaky = late.body.clone();
    sneaky.draft.title = "Changed under her".into();
    sneaky.draft_id = Some(late.summary.id);
    let e = ctx.app.publish_exam(&teacher, sneaky).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    assert_eq!(
        ctx.app
            .exam_with_keys(&teacher, exam_id)
            .await
            .unwrap()
            .title,
        "Geography (revised)",
        "the started exam is unchanged"
    );
    assert_eq!(
        ctx.app.drafts(&teacher).await.unwrap().len(),
        1,
        "the refused draft is kept, to clone from or delete"
    );

    // Clone: a new draft with the exam's form, no candidates, titled a copy;
    // published, it is a new exam and the original is untouched.
    let copy = ctx.app.clone_exam(&teacher, exam_id).await.unwrap();
    assert_eq!(copy.summary.exam_id, None);
    assert_eq!(copy.body.draft.title, "Geography (revised) (copy)");
    assert!(copy.body.candidates.is_empty());
    let mut next = copy.body.clone();
    next.draft_id = Some(copy.summary.id);
    let new_id = ctx.app.publish_exam(&teacher, next).await.unwrap().exam_id;
    assert_ne!(new_id, exam_id);
    assert_eq!(
        ctx.app
            .exam_with_keys(&teacher, new_id)
            .await
            .unwrap()
            .questions
            .len(),
        3
    );
    let candidate = ctx.login("candidate").await;
    assert_eq!(
        ctx.app
            .clone_exam(&candidate, exam_id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}
