//! Issue 16, point 1: what a student, or a teacher who does not own an exam, can
//! reach through the platform REST API. Each test is an attack that worked on the
//! code before the fix (a self-registered student read every exam and the whole
//! bank, submitted to exams never assigned to them, untimed, and so on).

use crate::common::{Hq, STUDENT_PASSWORD};
use examhall_testkit::{on_both_backends, TestBackend};
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    a_student_sees_and_sits_only_assigned_exams,
    the_bank_is_for_staff_and_teachers_reach_only_their_own_or_shared,
    an_attempt_is_started_and_timed_by_the_backend,
    packaged_exams_are_never_readable_or_sittable_at_hq,
    ordering_items_never_arrive_in_key_order,
    results_held_for_review_stay_held_on_every_route,
    held_results_are_released_for_chosen_candidates_then_for_the_exam,
    assignments_carry_the_profile_change_until_the_start_and_are_recorded,
    a_sitting_window_holds_for_online_starts_too
);

async fn student(hq: &Hq, name: &str) -> (i64, String) {
    let id = hq.student(name).await;
    (id, hq.login(name, STUDENT_PASSWORD).await)
}

/// An approved teacher's token and id.
async fn teacher(hq: &Hq, name: &str) -> (i64, String) {
    let (s, v) = hq
        .post(
            "/api/users/register/",
            None,
            json!({"username": name, "password": "teacher-pass-1", "role": "teacher"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v) = hq
        .post(
            &format!("/api/users/{id}/approve/"),
            Some(&hq.admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (id, hq.login(name, "teacher-pass-1").await)
}

/// A teacher's own two-question exam; returns (exam id, its bank question ids).
async fn own_exam(hq: &Hq, teacher: &str, title: &str, extra: Value) -> (i64, Vec<String>) {
    let mut ids = Vec::new();
    for q in [
        json!({"text": format!("{title}: 2 + 2?"), "type": "numeric", "answer": "4"}),
        json!({"text": format!("{title}: the sky is blue."), "type": "true_false", "answer": "True"}),
    ] {
        let (s, v) = hq.post("/api/exams/questions/", Some(teacher), q).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    let mut body = json!({"title": title, "duration_minutes": 30, "questions": ids});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let (s, v) = hq.post("/api/exams/create/", Some(teacher), body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (v["id"].as_i64().unwrap(), ids)
}

fn exam_ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

async fn assign(hq: &Hq, token: &str, exam: i64, users: &[i64]) -> (StatusCode, Value) {
    hq.post(
        &format!("/api/exams/{exam}/assign/"),
        Some(token),
        json!({"user_ids": users}),
    )
    .await
}

async fn a_student_sees_and_sits_only_assigned_exams(backend: TestBackend) {
    let (hq, _science) = Hq::start(backend).await;
    let (_, tess) = teacher(&hq, "tess").await;
    let (exam, _) = own_exam(&hq, &tess, "Maths", json!({})).await;
    let (open, _) = own_exam(&hq, &tess, "Practice", json!({"open_to_students": true})).await;
    let (ann_id, ann) = student(&hq, "ann").await;
    let (_, eve) = student(&hq, "eve").await;

    // Before assignment: a self-registered student sees only the open practice exam.
    let (s, list) = hq.get("/api/exams/", &eve).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(
        exam_ids(&list),
        vec![open],
        "only the exam open to all students"
    );
    // And no question text outside an attempt, not even of the open one.
    assert_eq!(list[0]["questions"], json!([]), "{list}");
    // Submitting to (or starting) an exam not assigned to her is refused, and
    // nothing is stored.
    for path in [
        format!("/api/exams/{exam}/start/"),
        format!("/api/exams/{exam}/submit/"),
    ] {
        let (s, v) = hq.post(&path, Some(&eve), json!({"answers": {}})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {v}");
    }
    assert_eq!(
        attempts_of(&hq, exam).await,
        0,
        "a refused start stores nothing"
    );

    // A student cannot assign herself; the owner can.
    let (s, v) = assign(&hq, &eve, exam, &[ann_id]).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = assign(&hq, &tess, exam, &[ann_id]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, list) = hq.get("/api/exams/", &ann).await;
    assert_eq!(exam_ids(&list), vec![exam, open]);
    let (_, list) = hq.get("/api/exams/", &eve).await;
    assert_eq!(exam_ids(&list), vec![open], "eve is still not assigned");

    // Submitting to the open exam without starting is refused and assigns nothing.
    let (s, v) = hq
        .post(
            &format!("/api/exams/{open}/submit/"),
            Some(&eve),
            json!({"answers": {}}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(
        hq.db
            .count("assignments", &format!("exam_id = {open}"))
            .await,
        0,
        "a refused submit stores nothing"
    );
    // The open exam: starting it is what assigns a student to it.
    let (s, v) = hq
        .post(&format!("/api/exams/{open}/start/"), Some(&eve), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["questions"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(
        hq.db
            .count("assignments", &format!("exam_id = {open}"))
            .await,
        1
    );
}

async fn attempts_of(hq: &Hq, exam: i64) -> i64 {
    hq.db.count("attempts", &format!("exam_id = {exam}")).await
}

async fn the_bank_is_for_staff_and_teachers_reach_only_their_own_or_shared(backend: TestBackend) {
    let (hq, science) = Hq::start(backend).await;
    let (tess_id, tess) = teacher(&hq, "tess").await;
    let (tom_id, tom) = teacher(&hq, "tom").await;
    let (_, eve) = student(&hq, "eve").await;
    let (exam, tess_questions) = own_exam(&hq, &tess, "Tess's maths", json!({})).await;

    // The bank: staff only.
    let (s, v) = hq.get("/api/exams/questions/", &eve).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a student reads no bank: {v}");
    // A teacher sees their own questions only; the administrator sees all.
    let (_, mine) = hq.get("/api/exams/questions/", &tess).await;
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|q| q["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&mine), tess_questions);
    let (_, toms) = hq.get("/api/exams/questions/", &tom).await;
    assert_eq!(ids(&toms), Vec::<String>::new(), "tom owns nothing yet");
    let (_, all) = hq.get("/api/exams/questions/", &hq.admin).await;
    assert_eq!(ids(&all).len(), 3 + 2, "the admin's three and tess's two");

    // Tom can neither build on Tess's questions nor see her exam or its results.
    let (s, v) = hq
        .post(
            "/api/exams/create/",
            Some(&tom),
            json!({"title": "Copy", "duration_minutes": 10, "questions": tess_questions}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["field"], "questions[0]", "{v}");
    let (_, list) = hq.get("/api/exams/", &tom).await;
    assert_eq!(exam_ids(&list), Vec::<i64>::new(), "{list}");
    let (_, list) = hq.get("/api/exams/", &tess).await;
    assert_eq!(exam_ids(&list), vec![exam]);
    let (_, list) = hq.get("/api/exams/", &hq.admin).await;
    assert_eq!(exam_ids(&list), vec![science, exam]);
    for path in [
        format!("/api/results/{exam}/"),
        format!("/api/results/analytics/?exam_id={exam}"),
    ] {
        let (s, v) = hq.get(&path, &tom).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {v}");
    }
    let (s, v) = assign(&hq, &tom, exam, &[tess_id]).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "tom cannot assign tess's exam: {v}"
    );

    // Shared with Tom (by its owner), the exam and a question become his to use.
    let (s, v) = hq
        .post(
            &format!("/api/exams/{exam}/share/"),
            Some(&tom),
            json!({"user_id": tom_id}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "tom cannot share himself in: {v}");
    let (s, v) = hq
        .post(
            &format!("/api/exams/{exam}/share/"),
            Some(&tess),
            json!({"user_id": tom_id}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = hq
        .post(
            &format!("/api/exams/questions/{}/share/", tess_questions[0]),
            Some(&tess),
            json!({"user_id": tom_id}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, list) = hq.get("/api/exams/", &tom).await;
    assert_eq!(exam_ids(&list), vec![exam]);
    let (s, v) = hq.get(&format!("/api/results/{exam}/"), &tom).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, toms) = hq.get("/api/exams/questions/", &tom).await;
    assert_eq!(ids(&toms), vec![tess_questions[0].clone()]);
    let (s, v) = hq
        .post(
            "/api/exams/create/",
            Some(&tom),
            json!({"title": "Shared", "duration_minutes": 10, "questions": [tess_questions[0]]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // The bank's search follows the same rule.
    let (s, v) = hq.post("/api/bank/search/", Some(&tom), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v.as_array().unwrap().len(),
        1,
        "only the shared question: {v}"
    );
}

async fn an_attempt_is_started_and_timed_by_the_backend(backend: TestBackend) {
    let (hq, _) = Hq::start(backend).await;
    let (_, tess) = teacher(&hq, "tess").await;
    let (exam, _) = own_exam(&hq, &tess, "Timed", json!({})).await;
    let (ann_id, ann) = student(&hq, "ann").await;
    let (bob_id, bob) = student(&hq, "bob").await;
    let (s, v) = assign(&hq, &tess, exam, &[ann_id, bob_id]).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Submitting without starting: refused, nothing stored.
    let submit = format!("/api/exams/{exam}/submit/");
    let (s, v) = hq.post(&submit, Some(&bob), json!({"answers": {}})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(attempts_of(&hq, exam).await, 0);

    // Start fixes the deadline in the backend; starting again resumes the same attempt.
    let start = format!("/api/exams/{exam}/start/");
    let (s, first) = hq.post(&start, Some(&ann), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    assert_eq!(first["remaining_seconds"], 30 * 60, "{first}");
    let qid = first["questions"][0]["id"].as_str().unwrap().to_owned();
    hq.clock.advance_ms(10 * 60 * 1000);
    let (_, again) = hq.post(&start, Some(&ann), json!({})).await;
    assert_eq!(again["attempt_id"], first["attempt_id"]);
    assert_eq!(again["remaining_seconds"], 20 * 60, "{again}");
    // Within time: accepted.
    let (s, v) = hq
        .post(&submit, Some(&ann), json!({"answers": {qid.clone(): "4"}}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["attempt_id"], first["attempt_id"]);

    // Bob starts, then submits 31 minutes later: refused as time up.
    let (s, v) = hq.post(&start, Some(&bob), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    hq.clock.advance_ms(31 * 60 * 1000);
    let (s, v) = hq
        .post(&submit, Some(&bob), json!({"answers": {qid: "4"}}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "time_up", "{v}");
    let answers = hq
        .db
        .count(
            "attempt_events",
            &format!(
                "kind = 'answer_set' AND attempt_id IN \
                 (SELECT id FROM attempts WHERE user_id = {bob_id})"
            ),
        )
        .await;
    assert_eq!(answers, 0, "a late sheet stores no answer");
}

async fn packaged_exams_are_never_readable_or_sittable_at_hq(backend: TestBackend) {
    let (hq, science) = Hq::start(backend).await;
    let (ann_id, ann) = student(&hq, "ann").await;
    // The administrator assigns Ann, then packages the exam for a centre.
    let (s, v) = assign(&hq, &hq.admin, science, &[ann_id]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    hq.publish(science, "North", &["ann"]).await;
    let (_, list) = hq.get("/api/exams/", &ann).await;
    assert_eq!(
        exam_ids(&list),
        Vec::<i64>::new(),
        "sealed until exam day: {list}"
    );
    for path in [
        format!("/api/exams/{science}/start/"),
        format!("/api/exams/{science}/submit/"),
    ] {
        let (s, v) = hq.post(&path, Some(&ann), json!({"answers": {}})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {v}");
    }
    // An exam packaged for centres cannot be assigned for sitting at HQ either.
    let (_, bob) = student(&hq, "bob").await;
    let bob_id = hq.get("/api/users/profile/", &bob).await.1["id"]
        .as_i64()
        .unwrap();
    let (s, v) = assign(&hq, &hq.admin, science, &[bob_id]).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
}

async fn ordering_items_never_arrive_in_key_order(backend: TestBackend) {
    let (hq, _) = Hq::start(backend).await;
    let xml = r#"<?xml version="1.0"?><quiz>
      <question type="ordering"><name><text>Planets</text></name>
        <questiontext format="html"><text>Order by distance from the Sun.</text></questiontext>
        <answer fraction="1"><text>Mercury</text></answer>
        <answer fraction="2"><text>Venus</text></answer>
        <answer fraction="3"><text>Earth</text></answer>
        <answer fraction="4"><text>Mars</text></answer>
        <answer fraction="5"><text>Jupiter</text></answer>
      </question></quiz>"#;
    let (s, v) = hq
        .post(
            "/api/bank/import/",
            Some(&hq.admin),
            json!({"format": "moodle-xml", "file_name": "o.xml", "content": xml, "mode": "all"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, bank) = hq.get("/api/exams/questions/", &hq.admin).await;
    let q = bank
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["type"] == "ordering")
        .unwrap_or_else(|| panic!("{bank}"))
        .clone();
    let key: Vec<String> = q["answer"]
        .as_str()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let (s, v) = hq
        .post("/api/exams/create/", Some(&hq.admin),
            json!({"title": "Order", "duration_minutes": 5, "questions": [q["id"]], "open_to_students": true}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let exam = v["id"].as_i64().unwrap();
    for i in 0..6 {
        let (_, token) = student(&hq, &format!("sorter{i}")).await;
        let (s, v) = hq
            .post(
                &format!("/api/exams/{exam}/start/"),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let order: Vec<String> = v["questions"][0]["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["key"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(order.len(), key.len(), "{v}");
        assert_ne!(order, key, "student {i} got the items in the right order");
        assert!(!has_key_anywhere(&v, "answer"), "{v}");
    }
}

fn has_key_anywhere(v: &Value, key: &str) -> bool {
    match v {
        Value::Object(m) => m.contains_key(key) || m.values().any(|x| has_key_anywhere(x, key)),
        Value::Array(a) => a.iter().any(|x| has_key_anywhere(x, key)),
        _ => false,
    }
}

async fn results_held_for_review_stay_held_on_every_route(backend: TestBackend) {
    let (hq, _) = Hq::start(backend).await;
    let (_, tess) = teacher(&hq, "tess").await;
    let (exam, ids) = own_exam(&hq, &tess, "Held", json!({"release": "after_review"})).await;
    let (ann_id, ann) = student(&hq, "ann").await;
    assign(&hq, &tess, exam, &[ann_id]).await;
    let (s, v) = hq
        .post(&format!("/api/exams/{exam}/start/"), Some(&ann), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = hq
        .post(
            &format!("/api/exams/{exam}/submit/"),
            Some(&ann),
            json!({"answers": {ids[0].clone(): "4", ids[1].clone(): "False"}}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let task = v["task_id"].as_i64().unwrap();
    for _ in 0..400 {
        let (_, t) = hq.get(&format!("/api/tasks/status/{task}/"), &ann).await;
        if t["status"] == "done" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let (_, staff) = hq.get(&format!("/api/results/{exam}/"), &tess).await;
    assert_eq!(staff[0]["score"], 1.0, "graded: {staff}");
    let (s, v) = hq.get(&format!("/api/results/{exam}/"), &ann).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!([]), "held from the candidate: {v}");
    let (_, v) = hq.get(&format!("/api/results/user/{ann_id}/"), &ann).await;
    assert_eq!(v, json!([]), "held on the per-user route too: {v}");
}

/// The student sits `exam` online with one right answer, and its grading finishes.
async fn sit_and_grade(hq: &Hq, exam: i64, ids: &[String], token: &str) {
    let (s, v) = hq
        .post(&format!("/api/exams/{exam}/start/"), Some(token), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = hq
        .post(
            &format!("/api/exams/{exam}/submit/"),
            Some(token),
            json!({"answers": {ids[0].clone(): "4", ids[1].clone(): "False"}}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let task = v["task_id"].as_i64().unwrap();
    for _ in 0..400 {
        let (_, t) = hq.get(&format!("/api/tasks/status/{task}/"), token).await;
        if t["status"] == "done" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("grading of exam {exam} did not finish");
}

/// Issue 15, point 6: results held "after review" are released by the exam's
/// teacher (or an administrator), for chosen candidates or for the whole exam,
/// and those candidates then read them; nobody else can release them.
async fn held_results_are_released_for_chosen_candidates_then_for_the_exam(backend: TestBackend) {
    let (hq, _) = Hq::start(backend).await;
    let (_, tess) = teacher(&hq, "tess").await;
    let (_, other) = teacher(&hq, "otto").await;
    let (exam, ids) = own_exam(&hq, &tess, "Held", json!({"release": "after_review"})).await;
    let (ann_id, ann) = student(&hq, "ann").await;
    let (bob_id, bob) = student(&hq, "bob").await;
    let (cat_id, cat) = student(&hq, "cat").await;
    assign(&hq, &tess, exam, &[ann_id, bob_id, cat_id]).await;
    sit_and_grade(&hq, exam, &ids, &ann).await;
    sit_and_grade(&hq, exam, &ids, &bob).await;
    let visible = |token: String, id: i64| {
        let hq = &hq;
        async move {
            let (_, by_exam) = hq.get(&format!("/api/results/{exam}/"), &token).await;
            let (_, by_user) = hq.get(&format!("/api/results/user/{id}/"), &token).await;
            let n = by_exam.as_array().unwrap().len();
            assert_eq!(
                n,
                by_user.as_array().unwrap().len(),
                "{by_exam} vs {by_user}"
            );
            n == 1
        }
    };
    assert!(!visible(ann.clone(), ann_id).await && !visible(bob.clone(), bob_id).await);

    // Refused: a student, a teacher who does not manage the exam, a name
    // without a result (by field), an exam that holds nothing back.
    let release = |token: &str, body: Value| {
        let (hq, token) = (&hq, token.to_owned());
        async move { hq.post("/api/results/release/", Some(&token), body).await }
    };
    let (s, v) = release(&ann, json!({"exam_id": exam})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = release(&other, json!({"exam_id": exam})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = release(&tess, json!({"exam_id": exam, "usernames": ["ann", "cat"]})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["field"], "usernames[1]", "{v}");
    assert!(v["message"].as_str().unwrap().contains("cat"), "{v}");
    assert!(
        !visible(ann.clone(), ann_id).await,
        "a refused release releases nobody"
    );
    let (open, _) = own_exam(&hq, &tess, "Open", json!({})).await;
    let (s, v) = release(&tess, json!({"exam_id": open})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    // Ann alone first; then the whole exam, which covers results graded later.
    let (s, v) = release(&tess, json!({"exam_id": exam, "usernames": ["ann"]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["whole_exam"].as_bool(), v["newly_visible"].as_u64()),
        (Some(false), Some(1))
    );
    assert!(visible(ann.clone(), ann_id).await, "released to ann");
    assert!(!visible(bob.clone(), bob_id).await, "still held from bob");
    let (s, v) = release(&hq.admin, json!({"exam_id": exam})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["whole_exam"].as_bool(), v["newly_visible"].as_u64()),
        (Some(true), Some(1))
    );
    assert!(
        visible(bob.clone(), bob_id).await,
        "released to the whole exam"
    );
    sit_and_grade(&hq, exam, &ids, &cat).await;
    assert!(
        visible(cat.clone(), cat_id).await,
        "graded after the release: visible"
    );
}

/// Staff schedule a sitting over REST; the student's online start is refused
/// outside its window (409, saying when it opens or that it closed), and a
/// closed sitting starts nobody.
async fn a_sitting_window_holds_for_online_starts_too(backend: TestBackend) {
    let (hq, _) = Hq::start(backend).await;
    let (_, tess) = teacher(&hq, "tess").await;
    let (exam, _) = own_exam(&hq, &tess, "Windowed", json!({})).await;
    let (ann_id, ann) = student(&hq, "ann").await;
    let (bob_id, bob) = student(&hq, "bob").await;
    let (s, v) = assign(&hq, &tess, exam, &[ann_id, bob_id]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let now = examhall_domain::Clock::now(&*hq.clock).0;
    let min = 60_000;

    // Only invigilators and administrators run sittings.
    let window = json!({"exam_id": exam, "opens_at_ms": now + 20 * min,
        "closes_at_ms": now + 120 * min, "late_start_minutes": 10});
    for who in [&ann, &tess] {
        let (s, v) = hq.post("/api/sittings/", Some(who), window.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    }
    // A window that closes before it opens is refused, naming the field.
    let (s, v) = hq
        .post(
            "/api/sittings/",
            Some(&hq.admin),
            json!({"exam_id": exam, "opens_at_ms": now + 20 * min, "closes_at_ms": now + 10 * min}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["field"], "closes_at", "{v}");
    let (s, v) = hq.post("/api/sittings/", Some(&hq.admin), window).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["opens_at_ms"], now + 20 * min, "{v}");
    let (s, list) = hq.get("/api/sittings/", &hq.admin).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let listed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["exam_id"] == exam)
        .unwrap();
    assert_eq!(listed["open_sitting"]["late_start_minutes"], 10, "{listed}");

    let start = format!("/api/exams/{exam}/start/");
    let (s, v) = hq.post(&start, Some(&ann), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("opens at"),
        "says when it opens: {v}"
    );
    assert_eq!(
        attempts_of(&hq, exam).await,
        0,
        "a refused start stores nothing"
    );
    hq.clock.advance_ms(25 * min);
    let (s, v) = hq.post(&start, Some(&ann), json!({})).await;
    assert_eq!(s, StatusCode::OK, "within the window: {v}");

    // Closed: Bob can no longer start; Ann's attempt goes on.
    let (s, v) = hq
        .post(
            "/api/sittings/close/",
            Some(&hq.admin),
            json!({"exam_id": exam}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, v) = hq.post(&start, Some(&bob), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, v) = hq.post(&start, Some(&ann), json!({})).await;
    assert_eq!(s, StatusCode::OK, "a started attempt resumes: {v}");
    assert_eq!(attempts_of(&hq, exam).await, 1);
}

/// Issue 15, points 1 and 6: a candidate assigned to an exam gets the
/// accommodation profile on their account; the exam's teacher changes an
/// assignment's multiplier and display preset and unassigns candidates until
/// they start, then neither; every change is recorded with who and when.
async fn assignments_carry_the_profile_change_until_the_start_and_are_recorded(
    backend: TestBackend,
) {
    let (hq, _) = Hq::start(backend).await;
    let (_, tess) = teacher(&hq, "tess").await;
    let (_, otto) = teacher(&hq, "otto").await;
    let (exam, ids) = own_exam(&hq, &tess, "Assigned", json!({})).await;
    let (_, ann) = student(&hq, "ann").await;
    let (_, _bob) = student(&hq, "bob").await;
    let (cat_id, _cat) = student(&hq, "cat").await;
    // Cat's account gets double time from the administrator (out of range is
    // refused by field); Bob's 50 % extra comes with the office's roster.
    let profile = |body: Value| {
        let hq = &hq;
        async move {
            hq.call(
                "PATCH",
                &format!("/api/users/{cat_id}/"),
                Some(&hq.admin),
                Some(body),
            )
            .await
        }
    };
    let (s, v) = profile(json!({"time_multiplier": 5.0})).await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("time_multiplier")),
        "{v}"
    );
    let (s, v) = profile(json!({"time_multiplier": 2.0})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = hq
        .post(
            "/api/users/import/",
            Some(&hq.admin),
            json!({"csv": "username,display_name,time_multiplier\nbob,bob,1.5\n"}),
        )
        .await;
    assert_eq!(
        (s, v["applied"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{v}"
    );

    let assign = |token: &str, names: Value| {
        let (hq, token) = (&hq, token.to_owned());
        async move {
            hq.post(
                "/api/assignments/",
                Some(&token),
                json!({"exam_id": exam, "usernames": names}),
            )
            .await
        }
    };
    // Refused, and nothing assigned: a student; a teacher who does not manage
    // the exam; a name that is not a candidate (by field).
    let (s, v) = assign(&ann, json!(["ann"])).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = assign(&otto, json!(["ann"])).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = assign(&tess, json!(["ann", "tess"])).await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("usernames[1]")),
        "{v}"
    );
    let (s, v) = hq
        .get(&format!("/api/exams/{exam}/candidates/"), &tess)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["rows"],
        json!([]),
        "a refused assignment assigns nobody: {v}"
    );
    // Only the exam's teacher (or an administrator) sees its candidates.
    let (s, v) = hq
        .get(&format!("/api/exams/{exam}/candidates/"), &ann)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = hq
        .get(&format!("/api/exams/{exam}/candidates/"), &otto)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");

    let (s, v) = assign(&tess, json!(["ann", "bob", "cat"])).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["assigned"].as_u64(), v["already_assigned"].as_u64()),
        (Some(3), Some(0))
    );
    let (_, v) = assign(&tess, json!(["bob"])).await;
    assert_eq!(
        (v["assigned"].as_u64(), v["already_assigned"].as_u64()),
        (Some(0), Some(1))
    );
    let row = |list: &Value, name: &str| {
        list["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["username"] == name)
            .cloned()
    };
    let (_, list) = hq
        .get(&format!("/api/exams/{exam}/candidates/"), &tess)
        .await;
    assert_eq!(
        row(&list, "bob").unwrap()["time_multiplier"],
        1.5,
        "bob's profile applies: {list}"
    );
    assert_eq!(row(&list, "ann").unwrap()["time_multiplier"], 1.0);

    // Ann gets 25 % more and larger text for this exam; out-of-range values are
    // refused by field.
    let patch = |body: Value| {
        let (hq, tess) = (&hq, tess.clone());
        async move {
            hq.call("PATCH", "/api/assignments/", Some(&tess), Some(body))
                .await
        }
    };
    // Another teacher can neither change nor unassign on this exam.
    let (s, v) = hq
        .call(
            "PATCH",
            "/api/assignments/",
            Some(&otto),
            Some(json!({"exam_id": exam, "username": "ann", "time_multiplier": 2.0})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = hq
        .post(
            "/api/assignments/unassign/",
            Some(&otto),
            json!({"exam_id": exam, "username": "cat"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = patch(json!({"exam_id": exam, "username": "ann", "time_multiplier": 4.5})).await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("time_multiplier")),
        "{v}"
    );
    let (s, v) = patch(
        json!({"exam_id": exam, "username": "ann", "time_multiplier": 1.25,
        "display_preset": {"text_step": 2, "high_contrast": false, "reading_guide": true}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["time_multiplier"].as_f64(),
            v["display_preset"]["text_step"].as_u64()
        ),
        (Some(1.25), Some(2))
    );
    // Cat is taken off.
    let unassign = |name: &str| {
        let (hq, tess, name) = (&hq, tess.clone(), name.to_owned());
        async move {
            hq.post(
                "/api/assignments/unassign/",
                Some(&tess),
                json!({"exam_id": exam, "username": name}),
            )
            .await
        }
    };
    let (s, v) = unassign("cat").await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, v) = unassign("cat").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");

    // Ann starts with the time she was given: 30 minutes × 1.25.
    let (s, v) = hq
        .post(&format!("/api/exams/{exam}/start/"), Some(&ann), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let given = v["deadline_at"].as_i64().unwrap() - v["started_at"].as_i64().unwrap();
    assert_eq!(given, 30 * 60 * 1250, "30 minutes × 1.25: {v}");
    let (s, list) = hq
        .get(&format!("/api/exams/{exam}/candidates/"), &tess)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(
        row(&list, "ann").unwrap()["status"],
        "in_progress",
        "{list}"
    );
    assert!(row(&list, "cat").is_none(), "{list}");
    // From her start on, her assignment is fixed.
    let (s, v) = patch(json!({"exam_id": exam, "username": "ann", "time_multiplier": 2.0})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["message"].as_str().unwrap().contains("started"), "{v}");
    let (s, v) = unassign("ann").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (_, list) = hq
        .get(&format!("/api/exams/{exam}/candidates/"), &tess)
        .await;
    assert_eq!(row(&list, "ann").unwrap()["time_multiplier"], 1.25);

    // The record: who did what, in order, with the values after each change.
    let history: Vec<(String, String, String, Option<f64>)> = list["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["by"].as_str().unwrap_or("").to_owned(),
                c["username"].as_str().unwrap().to_owned(),
                c["action"].as_str().unwrap().to_owned(),
                c["time_multiplier"].as_f64(),
            )
        })
        .collect();
    let t = |u: &str, a: &str, m: Option<f64>| ("tess".to_owned(), u.to_owned(), a.to_owned(), m);
    assert_eq!(
        history,
        vec![
            t("ann", "assigned", Some(1.0)),
            t("bob", "assigned", Some(1.5)),
            t("cat", "assigned", Some(2.0)),
            t("ann", "changed", Some(1.25)),
            t("cat", "unassigned", None),
        ]
    );
    // She finishes; her result shows on the exam's candidates list.
    sit_and_grade(&hq, exam, &ids, &ann).await;
    let (_, list) = hq
        .get(&format!("/api/exams/{exam}/candidates/"), &tess)
        .await;
    let ann_row = row(&list, "ann").unwrap();
    assert_eq!(
        (
            ann_row["status"].as_str(),
            ann_row["result_visible"].as_bool()
        ),
        (Some("graded"), Some(true)),
        "{list}"
    );
}
