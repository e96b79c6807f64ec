//! Printed reports through the use cases: the figures on paper are the ones in
//! the database, names print as written, and only staff may print.

use crate::Ctx;
use examhall_app::AppError;
use examhall_domain::Answer;
use examhall_protocol::PrintJobState;
use std::ops::ControlFlow;
use std::path::Path;

/// The PDF's text with whitespace removed (so wrapping does not matter).
pub fn text_of(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    text_of_file(&path)
}

fn text_of_file(path: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A candidate with a display name as written, who answers `n` of the demo
/// questions correctly and submits.
async fn sit(
    ctx: &Ctx,
    admin: &str,
    teacher: &str,
    username: &str,
    name: &str,
    n: usize,
) -> String {
    let new = examhall_protocol::NewUser {
        username: username.into(),
        display_name: name.into(),
        password: "password-123".into(),
        role: examhall_protocol::Role::Candidate,
        email: None,
        candidate_number: None,
    };
    let u = ctx.app.create_user(admin, new).await.unwrap();
    ctx.app.assign_exam(teacher, 1, u.id, 1.0).await.unwrap();
    let token = ctx
        .app
        .login(examhall_protocol::LoginRequest {
            username: username.into(),
            password: "password-123".into(),
        })
        .await
        .unwrap()
        .token;
    let v = ctx
        .app
        .start_attempt(
            &token,
            examhall_protocol::StartAttempt {
                exam_id: 1,
                start_code: "EXAM24".into(),
            },
        )
        .await
        .unwrap();
    let right = [
        ("q1", Answer::Text("b".into())),
        ("q4", Answer::Text("true".into())),
        ("q6", Answer::Text("Na".into())),
        ("q5", Answer::Text("9.81".into())),
    ];
    ctx.answer_and_submit(&token, &v.attempt_id, &right[..n])
        .await;
    v.attempt_id
}

#[tokio::test]
async fn result_sheets_print_what_the_database_holds() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    let zoe = sit(&ctx, &admin, &teacher, "zoe", "Zoë Łukasiewicz", 4).await;
    let ngozi = sit(&ctx, &admin, &teacher, "ngozi", "Ngozi Ọkafọ", 1).await;
    let dmitri = sit(&ctx, &admin, &teacher, "dmitri", "Дмитрий Иванов", 2).await;
    ctx.drain().await;

    let one = ctx.app.print_result_sheet(&teacher, &zoe).await.unwrap();
    assert!(one.file_name.ends_with(".pdf") && !one.file_name.contains('/'));
    let text = text_of(&one.bytes);
    let attempt = ctx.db.store.attempt(&zoe).await.unwrap().unwrap();
    for needle in [
        "Zoë Łukasiewicz",
        "Demo: General Science",
        "Examhall Demo Centre",
        "5 / 12",
        "41.7%",
        "FAIL",
        attempt.head_hash.as_str(),
        zoe.as_str(),
        "What is the chemical symbol for sodium?",
    ] {
        assert!(
            text.contains(&squash(needle)),
            "missing {needle:?} in {text}"
        );
    }

    let mut seen = Vec::new();
    let all = ctx
        .app
        .result_sheets_pdf(&teacher, 1, move |done, total| {
            assert_eq!(total, 3);
            seen.push(done);
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    let text = text_of(&all.bytes);
    for name in ["Zoë Łukasiewicz", "Ngozi Ọkafọ", "Дмитрий Иванов"] {
        assert!(text.contains(&squash(name)), "{name}");
    }
    for id in [&zoe, &ngozi, &dmitri] {
        assert!(text.contains(id.as_str()), "sheet of {id}");
    }
    let cancelled = ctx
        .app
        .result_sheets_pdf(&teacher, 1, |_, _| ControlFlow::Break(()))
        .await;
    assert!(
        matches!(cancelled, Err(AppError::Conflict(_))),
        "{cancelled:?}"
    );

    // Candidates and invigilators do not print result sheets.
    let cand = ctx.login("candidate").await;
    assert!(matches!(
        ctx.app.print_result_sheet(&cand, &zoe).await,
        Err(AppError::Forbidden { .. })
    ));
    let inv = ctx.login("invigilator").await;
    assert!(matches!(
        ctx.app
            .result_sheets_pdf(&inv, 1, |_, _| ControlFlow::Continue(()))
            .await,
        Err(AppError::Forbidden { .. })
    ));
}

#[tokio::test]
async fn the_summary_pdf_carries_the_statistics_and_the_room_report_the_attendance() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    for (i, n) in [0, 1, 2, 3, 4].into_iter().enumerate() {
        sit(
            &ctx,
            &admin,
            &teacher,
            &format!("cand{i}"),
            &format!("Кандидат {i}"),
            n,
        )
        .await;
    }
    ctx.drain().await;
    let stats = ctx.app.exam_analysis(&teacher, 1).await.unwrap();
    let pdf = ctx.app.print_exam_summary(&teacher, 1).await.unwrap();
    let text = text_of(&pdf.bytes);
    for needle in [
        "Demo: General Science".to_owned(),
        format!("{:.1}%", stats.pass_rate_pct),
        format!("{:.2}", stats.sd),
        "Item analysis".into(),
        "What is the chemical symbol for sodium? (q6)".into(),
    ] {
        assert!(
            text.contains(&squash(&needle)),
            "missing {needle:?} in {text}"
        );
    }

    // The demo's own two candidates are assigned but never came.
    let inv = ctx.login("invigilator").await;
    let room = ctx.app.print_room_report(&inv, 1).await.unwrap();
    let text = text_of(&room.bytes);
    assert!(text.contains(&squash("Present / absent 5 / 2")), "{text}");
    assert!(text.contains(&squash("Кандидат 3")), "{text}");
    assert_eq!(
        text.matches("absent").count(),
        3,
        "two absent rows + the heading: {text}"
    );

    let cand = ctx.login("candidate").await;
    assert!(matches!(
        ctx.app.print_room_report(&cand, 1).await,
        Err(AppError::Forbidden { .. })
    ));
}

#[tokio::test]
async fn a_background_print_job_reports_progress_and_saves_the_file() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    for i in 0..4 {
        sit(
            &ctx,
            &admin,
            &teacher,
            &format!("print{i}"),
            &format!("Þórunn {i}"),
            i,
        )
        .await;
    }
    ctx.drain().await;
    let out = tempfile::tempdir().unwrap();
    let id = ctx
        .app
        .start_printing_sheets(&teacher, 1, out.path().join("reports"))
        .await
        .unwrap();
    let job = loop {
        let j = ctx.app.print_job(&teacher, id).await.unwrap();
        if j.state != PrintJobState::Running {
            break j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!((job.done, job.total), (4, 4));
    let PrintJobState::Done { path } = job.state else {
        panic!("{job:?}")
    };
    assert!(path.starts_with(out.path().to_str().unwrap()));
    let text = text_of_file(Path::new(&path));
    for i in 0..4 {
        assert!(text.contains(&squash(&format!("Þórunn {i}"))), "{text}");
    }
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(out.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(matches!(
        ctx.app.print_job(&teacher, id + 100).await,
        Err(AppError::NotFound(_))
    ));
}

#[tokio::test]
async fn exports_carry_the_stored_results_and_item_analysis() {
    use examhall_protocol::{ExportFormat, ExportRequest};
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    let a = sit(&ctx, &admin, &teacher, "first", "=cmd|' /C calc'!A0", 3).await;
    let b = sit(&ctx, &admin, &teacher, "second", "Zoë, the second", 1).await;
    ctx.drain().await;
    let req = |format| ExportRequest { exam_id: 1, format };

    let csv = ctx
        .app
        .export_results(&teacher, req(ExportFormat::ResultsCsv))
        .await
        .unwrap();
    assert!(csv.file_name.ends_with(".csv"));
    let mut r = csv::Reader::from_reader(csv.bytes.as_slice());
    let headers = r.headers().unwrap().clone();
    assert_eq!(&headers[0], "attempt_id");
    assert_eq!(headers.len(), 9 + 7, "fixed columns and one per question");
    assert_eq!(&headers[8], "void");
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        let stored = ctx.db.store.result(&row[0]).await.unwrap().unwrap();
        assert_eq!(row[3].parse::<f64>().unwrap(), stored.total);
        assert_eq!(&row[8], "", "not void");
        let per_question: f64 = (9..16).map(|i| row[i].parse::<f64>().unwrap()).sum();
        assert!(
            (per_question - stored.total).abs() < 1e-9,
            "marks add up to the total"
        );
    }
    let names: Vec<&str> = rows.iter().map(|r| r.get(2).unwrap()).collect();
    assert!(names.contains(&"Zoë, the second"), "{names:?}");
    assert!(
        names.contains(&"'=cmd|' /C calc'!A0"),
        "formulas are defused: {names:?}"
    );
    assert!([&a, &b]
        .iter()
        .all(|id| rows.iter().any(|r| &r[0] == id.as_str())));

    let items = ctx
        .app
        .export_results(&teacher, req(ExportFormat::ItemsCsv))
        .await
        .unwrap();
    let mut r = csv::Reader::from_reader(items.bytes.as_slice());
    let stats = ctx.app.exam_analysis(&teacher, 1).await.unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7);
    assert_eq!(&rows[0][0], "q1");
    assert!((rows[0][3].parse::<f64>().unwrap() - stats.items[0].facility).abs() < 1e-9);

    let xlsx = ctx
        .app
        .export_results(&teacher, req(ExportFormat::Xlsx))
        .await
        .unwrap();
    assert!(xlsx.file_name.ends_with(".xlsx") && xlsx.bytes.starts_with(b"PK"));

    let inv = ctx.login("invigilator").await;
    assert!(matches!(
        ctx.app.export_results(&inv, req(ExportFormat::Xlsx)).await,
        Err(AppError::Forbidden { .. })
    ));
}

/// "Save a copy as…": staff name a saved report by its file name only; the
/// copy lands whole where they chose; candidates, paths and missing files are
/// refused, and a refused copy writes nothing.
#[tokio::test]
async fn a_saved_report_is_copied_where_staff_choose_and_nowhere_else() {
    use examhall_app::reports::{save_copy, save_report};
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let invigilator = ctx.login("invigilator").await;
    let candidate = ctx.login("candidate").await;
    let admin = ctx.login("admin").await;
    sit(&ctx, &admin, &teacher, "copied", "Copy Candidate", 2).await;
    ctx.drain().await;
    let reports = tempfile::tempdir().unwrap();
    let summary = ctx.app.print_exam_summary(&teacher, 1).await.unwrap();
    let saved = save_report(reports.path(), &summary).unwrap();
    let name = summary.file_name.as_str();

    for token in [&teacher, &invigilator] {
        let found = ctx
            .app
            .saved_report(token, reports.path(), name)
            .await
            .unwrap();
        assert_eq!(found, saved);
    }
    let chosen = tempfile::tempdir().unwrap();
    let dest = chosen.path().join("Résumé de l'examen.pdf");
    let written = save_copy(&saved, &dest).unwrap();
    assert_eq!(written, summary.bytes.len() as u64);
    assert_eq!(std::fs::read(&dest).unwrap(), summary.bytes);
    // Saving over an earlier copy replaces it, and leaves no temporary file.
    save_copy(&saved, &dest).unwrap();
    let left: Vec<_> = std::fs::read_dir(chosen.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("Résumé de l'examen.pdf")]
    );

    let e = ctx
        .app
        .saved_report(&candidate, reports.path(), name)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden { .. }), "{e:?}");
    std::fs::write(reports.path().parent().unwrap().join("secret.db"), b"x").ok();
    for bad in [
        "../secret.db",
        "/etc/passwd",
        "sub/file.pdf",
        "",
        ".",
        "..",
        ".hidden.part",
    ] {
        let e = ctx
            .app
            .saved_report(&teacher, reports.path(), bad)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field, .. } if field == "file_name"),
            "{bad:?}: {e:?}"
        );
    }
    let e = ctx
        .app
        .saved_report(&teacher, reports.path(), "never-printed.pdf")
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::NotFound(_)), "{e:?}");
    // A folder chosen as the file, or one that cannot be written: named, nothing written.
    let e = save_copy(&saved, chosen.path()).unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid { field, .. } if field == "destination"),
        "{e:?}"
    );
    let missing = chosen.path().join("no-such-folder").join("x.pdf");
    let e = save_copy(&saved, &missing).unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid { field, message } if field == "destination" && message.contains("no-such-folder")),
        "{e:?}"
    );
    assert!(!missing.parent().unwrap().exists());
}
