//! App-level and exam-level state as `Reducible`s: plain Rust, tested natively.

use examhall_protocol::{
    Answer, AttemptStatus, AttemptView, ClockDto, CopyStatusDto, OptionDto, Role, SessionDto,
    SetupStatus,
};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use yew::Reducible;

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Loading,
    Setup,
    Login,
    Candidate,
    Exam(String),
    Result(String),
    /// Rooms and sittings: the room console, opening sittings, sync
    /// (invigilators, admins).
    Invigilator,
    /// The centre's day at a glance (admins, invigilators).
    Home,
    /// Results and marking (teachers, admins).
    Staff,
    Analysis(i64),
    /// One attempt reviewed by staff: answers, keys, marks, its log.
    Review(String),
    /// One exam's candidates: assignments, accommodations, releasing results
    /// (the exam's teacher, admins).
    ExamCandidates(i64),
    /// The question bank: import, search, write and edit (teachers, admins).
    Bank,
    /// Building an exam from the bank and publishing it (teachers, admins).
    Builder,
    /// The builder with a saved draft opened in it (a draft of a new exam, a
    /// clone, or an edit of a published exam).
    Draft(i64),
    /// The centre's accounts: list them and create one of any role (admins).
    Users,
    /// Choosing a new password: one's own choice, or forced after signing in
    /// with a one-time password.
    Password,
    /// HQ's own screen: centres, their devices and enrolment tokens, packages
    /// published to them and their reconciliation, sync incidents (HQ's admins).
    Hq,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub screen: Screen,
    pub session: Option<SessionDto>,
    pub centre: String,
    /// A message shown on the next screen (e.g. why the user was signed out).
    pub flash: Option<String>,
    /// This machine is HQ: its administrators get HQ's screen too.
    pub is_hq: bool,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            screen: Screen::Loading,
            session: None,
            centre: "Examhall".into(),
            flash: None,
            is_hq: false,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    Booted(SetupStatus),
    SignedIn(SessionDto),
    SignedOut(Option<String>),
    Open(Screen),
}

pub fn home_for(role: Role) -> Screen {
    match role {
        Role::Candidate => Screen::Candidate,
        Role::Invigilator => Screen::Invigilator,
        Role::Teacher => Screen::Staff,
        Role::Admin => Screen::Home,
    }
}

/// The pages a role's staff navigation offers at HQ: HQ's own screen first
/// for its administrators, then those of [`staff_pages`].
pub fn staff_pages_at(role: Role, is_hq: bool) -> Vec<Screen> {
    let mut pages = staff_pages(role);
    if is_hq && role == Role::Admin {
        pages.insert(0, Screen::Hq);
    }
    pages
}

/// The pages a role's staff navigation offers (none for candidates): every
/// screen of the role, an administrator's being all of them.
pub fn staff_pages(role: Role) -> Vec<Screen> {
    match role {
        Role::Teacher => vec![Screen::Staff, Screen::Bank, Screen::Builder],
        Role::Invigilator => vec![Screen::Invigilator, Screen::Home],
        Role::Admin => vec![
            Screen::Home,
            Screen::Invigilator,
            Screen::Staff,
            Screen::Bank,
            Screen::Builder,
            Screen::Users,
        ],
        Role::Candidate => Vec::new(),
    }
}

impl Reducible for Model {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut m = (*self).clone();
        match action {
            Action::Booted(s) => {
                m.centre = s.centre_name;
                m.is_hq = s.is_hq;
                m.screen = if s.needs_first_admin {
                    Screen::Setup
                } else {
                    Screen::Login
                };
            }
            Action::SignedIn(s) => {
                m.screen = if s.must_change_password {
                    Screen::Password
                } else {
                    home_for(s.user.role)
                };
                m.session = Some(s);
                m.flash = None;
            }
            Action::SignedOut(why) => {
                m.session = None;
                m.screen = Screen::Login;
                m.flash = why;
            }
            Action::Open(screen) => {
                m.flash = None;
                // Until a one-time password is replaced, nothing else opens.
                let forced = m.session.as_ref().is_some_and(|s| s.must_change_password);
                m.screen = if forced { Screen::Password } else { screen };
            }
        }
        Rc::new(m)
    }
}

/// The exam screen's state. The clock is whatever the backend said last, plus
/// the local time since it said it (for a smooth countdown only).
#[derive(Debug, Clone, PartialEq)]
pub struct ExamModel {
    pub view: AttemptView,
    pub current: usize,
    pub flagged: BTreeSet<String>,
    /// Questions with a change the backend has not acknowledged yet.
    pub unsaved: BTreeSet<String>,
    pub last_seq: i64,
    pub save_error: Option<String>,
    pub clock: ClockDto,
    /// `performance.now()` when `clock` arrived.
    pub clock_at: f64,
    pub confirming: bool,
}

#[derive(Debug, Clone)]
pub enum ExamAction {
    Edit {
        question: String,
        answer: Option<Answer>,
    },
    Saved {
        question: String,
        seq: i64,
        clock: ClockDto,
        at: f64,
        still_dirty: bool,
    },
    SaveFailed(String),
    Flagged {
        question: String,
        flagged: bool,
    },
    Go(usize),
    Clock {
        clock: ClockDto,
        at: f64,
    },
    Confirm(bool),
}

/// How a candidate may move through the exam: the attempt's `navigation`, read by
/// its wire name ("free" | "forward_only"), as the UI depends on the protocol only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Navigation {
    #[default]
    Free,
    /// No going back: the backend refuses moving to, answering or flagging a
    /// question behind the current one.
    ForwardOnly,
}

impl Navigation {
    pub fn of(view: &AttemptView) -> Navigation {
        match serde_json::to_value(view.navigation) {
            Ok(v) if v == "forward_only" => Navigation::ForwardOnly,
            _ => Navigation::Free,
        }
    }
}

/// Whether question `index` may be shown from question `current`: any question
/// when navigation is free; in a forward-only exam this one or a later one.
pub fn can_visit(index: usize, current: usize, navigation: Navigation) -> bool {
    match navigation {
        Navigation::Free => true,
        Navigation::ForwardOnly => index >= current,
    }
}

impl ExamModel {
    pub fn new(view: AttemptView, at: f64) -> ExamModel {
        ExamModel {
            current: view.current_index as usize,
            flagged: view.flagged.iter().cloned().collect(),
            unsaved: BTreeSet::new(),
            last_seq: 0,
            save_error: None,
            clock: view.clock.clone(),
            clock_at: at,
            confirming: false,
            view,
        }
    }

    pub fn navigation(&self) -> Navigation {
        Navigation::of(&self.view)
    }

    /// Whether the candidate may go to question `index` from here.
    pub fn can_go(&self, index: usize) -> bool {
        index < self.view.questions.len() && can_visit(index, self.current, self.navigation())
    }

    /// Answered unless blank (the domain's rule: an empty text or list, or a
    /// map whose every value is blank, is no answer).
    pub fn is_answered(&self, qid: &str) -> bool {
        self.view.answers.get(qid).is_some_and(|a| !a.is_blank())
    }

    /// 1-based numbers of unanswered questions.
    pub fn unanswered(&self) -> Vec<usize> {
        self.view
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q)| !self.is_answered(&q.id))
            .map(|(i, _)| i + 1)
            .collect()
    }

    pub fn flagged_numbers(&self) -> Vec<usize> {
        self.view
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q)| self.flagged.contains(&q.id))
            .map(|(i, _)| i + 1)
            .collect()
    }

    /// Remaining time to display at local instant `now`.
    pub fn remaining_ms(&self, now: f64) -> i64 {
        if self.clock.status != AttemptStatus::InProgress {
            return 0;
        }
        if self.clock.paused || self.clock.locked {
            // Paused time does not count; a locked seat waits for the backend's figure.
            return self.clock.remaining_ms;
        }
        (self.clock.remaining_ms - (now - self.clock_at).max(0.0) as i64).max(0)
    }
}

impl Reducible for ExamModel {
    type Action = ExamAction;
    fn reduce(self: Rc<Self>, action: ExamAction) -> Rc<Self> {
        let mut m = (*self).clone();
        match action {
            ExamAction::Edit { question, answer } => {
                match answer {
                    Some(a) => m.view.answers.insert(question.clone(), a),
                    None => m.view.answers.remove(&question),
                };
                m.unsaved.insert(question);
            }
            ExamAction::Saved {
                question,
                seq,
                clock,
                at,
                still_dirty,
            } => {
                if !still_dirty {
                    m.unsaved.remove(&question);
                }
                m.last_seq = m.last_seq.max(seq);
                m.save_error = None;
                // A save's answer does not know the room copy: the new event is
                // not copied yet, until the next heartbeat says otherwise.
                let copy = m.clock.room_copy.take();
                m.clock = clock;
                if m.clock.room_copy.is_none() {
                    m.clock.room_copy = copy.map(|c| CopyStatusDto {
                        behind: c.behind + 1,
                        ..c
                    });
                }
                m.clock_at = at;
            }
            ExamAction::SaveFailed(msg) => m.save_error = Some(msg),
            ExamAction::Flagged { question, flagged } => {
                if flagged {
                    m.flagged.insert(question);
                } else {
                    m.flagged.remove(&question);
                }
            }
            ExamAction::Go(i) => {
                let i = i.min(m.view.questions.len().saturating_sub(1));
                if can_visit(i, m.current, m.navigation()) {
                    m.current = i;
                }
            }
            ExamAction::Clock { clock, at } => {
                m.clock = clock;
                m.clock_at = at;
            }
            ExamAction::Confirm(on) => m.confirming = on,
        }
        Rc::new(m)
    }
}

/// What a matching item or a cloze gap holds in a map answer ("" when nothing).
pub fn map_value<'a>(answer: Option<&'a Answer>, key: &str) -> &'a str {
    match answer {
        Some(Answer::Map(m)) => m.get(key).map_or("", String::as_str),
        _ => "",
    }
}

/// The map answer after `key` (an item or gap) is set to `value`; an empty
/// value removes the entry, and a map with no entry left is no answer.
pub fn with_map_value(answer: Option<&Answer>, key: &str, value: String) -> Option<Answer> {
    let mut m = match answer {
        Some(Answer::Map(m)) => m.clone(),
        _ => BTreeMap::new(),
    };
    if value.is_empty() {
        m.remove(key);
    } else {
        m.insert(key.to_owned(), value);
    }
    (!m.is_empty()).then_some(Answer::Map(m))
}

/// The ordering items as the candidate has arranged them: the answer's order,
/// else the attempt's starting order. Items the answer misses follow in their
/// starting order; ids that are not items are ignored.
/// The option ids ticked in a several-options gap (its value lists them,
/// comma-separated).
pub fn gap_picks(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The gap's value after ticking or unticking `option`: the ids in a stable
/// (sorted) order, so the same ticks always save the same answer.
pub fn toggle_gap_pick(picked: &[String], option: &str) -> String {
    let mut next: Vec<String> = picked.iter().filter(|p| *p != option).cloned().collect();
    if next.len() == picked.len() {
        next.push(option.to_owned());
    }
    next.sort();
    next.join(",")
}

pub fn ordered_items(items: &[OptionDto], answer: Option<&Answer>) -> Vec<OptionDto> {
    let given: &[String] = match answer {
        Some(Answer::Choices(ids)) => ids,
        _ => &[],
    };
    let mut out: Vec<OptionDto> = Vec::with_capacity(items.len());
    for id in given {
        if let Some(item) = items.iter().find(|i| &i.id == id) {
            if !out.iter().any(|o| o.id == item.id) {
                out.push(item.clone());
            }
        }
    }
    for item in items {
        if !out.iter().any(|o| o.id == item.id) {
            out.push(item.clone());
        }
    }
    out
}

/// `order` with the entry at `index` moved one place up (towards the start) or
/// down; `None` when it cannot move that way.
pub fn move_item(order: &[String], index: usize, up: bool) -> Option<Vec<String>> {
    let other = if up { index.checked_sub(1)? } else { index + 1 };
    if index >= order.len() || other >= order.len() {
        return None;
    }
    let mut next = order.to_vec();
    next.swap(index, other);
    Some(next)
}

pub fn format_remaining(ms: i64) -> String {
    let s = (ms + 999) / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// The invigilator's schedule form as a request: empty fields mean "now" and
/// "no limit". An error names the field the invigilator must fix.
pub fn sitting_request(
    exam_id: i64,
    opens: &str,
    closes: &str,
    late_minutes: &str,
) -> Result<examhall_protocol::OpenSitting, (&'static str, String)> {
    let when = |field: &'static str,
                label: &str,
                v: &str|
     -> Result<Option<i64>, (&'static str, String)> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        crate::i18n::parse_local_date_time(v)
            .map(Some)
            .ok_or_else(|| {
                (
                    field,
                    crate::i18n::ta("inv-bad-time", &[("field", label.to_owned().into())]),
                )
            })
    };
    let opens_at_ms = when("opens_at", &crate::i18n::t("inv-opens-at"), opens)?;
    let closes_at_ms = when("closes_at", &crate::i18n::t("inv-closes-at"), closes)?;
    let late_start_minutes = match late_minutes.trim() {
        "" => None,
        v => Some(
            v.parse::<u32>()
                .map_err(|_| ("late_start_minutes", crate::i18n::t("inv-bad-minutes")))?,
        ),
    };
    Ok(examhall_protocol::OpenSitting {
        exam_id,
        opens_at_ms,
        closes_at_ms,
        late_start_minutes,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn several_options_gap_ticks_toggle_and_save_in_a_stable_order() {
        use super::{gap_picks, toggle_gap_pick};
        assert_eq!(gap_picks(""), Vec::<String>::new());
        assert_eq!(gap_picks("b, a"), ["b", "a"]);
        let one = toggle_gap_pick(&gap_picks(""), "c");
        assert_eq!(one, "c");
        let two = toggle_gap_pick(&gap_picks(&one), "a");
        assert_eq!(two, "a,c");
        assert_eq!(toggle_gap_pick(&gap_picks(&two), "c"), "a");
        assert_eq!(toggle_gap_pick(&gap_picks("a"), "a"), "");
    }

    use super::*;
    use examhall_protocol::{CandidateQuestion, CandidateWidget, UserDto};

    fn view() -> AttemptView {
        let q = |id: &str| CandidateQuestion {
            id: id.into(),
            prompt: "p".into(),
            marks: 1.0,
            widget: CandidateWidget::Essay,
        };
        AttemptView {
            attempt_id: "a".into(),
            exam_title: "t".into(),
            questions: vec![q("q1"), q("q2"), q("q3")],
            answers: Default::default(),
            flagged: vec!["q3".into()],
            current_index: 1,
            clock: ClockDto {
                remaining_ms: 60_000,
                allowed_ms: 60_000,
                status: AttemptStatus::InProgress,
                paused: false,
                locked: false,
                room_copy: None,
            },
            window: Default::default(),
            display_preset: None,
            sections: Vec::new(),
            navigation: Default::default(),
        }
    }

    #[test]
    fn signing_in_goes_to_the_role_home_and_signing_out_to_login() {
        let m = Rc::new(Model::default());
        let s = SessionDto {
            token: "t".into(),
            user: UserDto {
                id: 1,
                username: "i".into(),
                display_name: "I".into(),
                role: Role::Invigilator,
                email: None,
                candidate_number: None,
                disabled: false,
                must_change_password: false,
                time_multiplier: 1.0,
                display_preset: None,
                approved: true,
            },
            must_change_password: false,
        };
        let m = m.reduce(Action::SignedIn(s));
        assert_eq!(m.screen, Screen::Invigilator);
        let m = m.reduce(Action::SignedOut(Some("expired".into())));
        assert_eq!(
            (m.screen.clone(), m.session.is_none(), m.flash.as_deref()),
            (Screen::Login, true, Some("expired"))
        );
    }

    #[test]
    fn a_one_time_password_leads_to_choosing_a_new_one_and_nothing_else_opens_first() {
        let user = UserDto {
            id: 2,
            username: "cand01".into(),
            display_name: "C".into(),
            role: Role::Candidate,
            email: None,
            candidate_number: None,
            disabled: false,
            must_change_password: true,
            time_multiplier: 1.0,
            display_preset: None,
            approved: true,
        };
        let forced = SessionDto {
            token: "t1".into(),
            user: user.clone(),
            must_change_password: true,
        };
        let m = Rc::new(Model::default()).reduce(Action::SignedIn(forced));
        assert_eq!(m.screen, Screen::Password);
        let m = m.reduce(Action::Open(Screen::Candidate));
        assert_eq!(m.screen, Screen::Password, "nothing else opens first");
        let fresh = SessionDto {
            token: "t2".into(),
            user,
            must_change_password: false,
        };
        let m = m.reduce(Action::SignedIn(fresh));
        assert_eq!(
            (
                m.screen.clone(),
                m.session.as_ref().map(|s| s.token.as_str())
            ),
            (Screen::Candidate, Some("t2"))
        );
        let m = m.reduce(Action::Open(Screen::Password));
        assert_eq!(m.screen, Screen::Password, "anyone may choose to change it");
    }

    #[test]
    fn teachers_and_admins_get_the_bank_and_the_builder_and_admins_the_accounts() {
        assert_eq!(
            staff_pages(Role::Teacher),
            vec![Screen::Staff, Screen::Bank, Screen::Builder]
        );
        assert_eq!(
            staff_pages(Role::Admin),
            vec![
                Screen::Home,
                Screen::Invigilator,
                Screen::Staff,
                Screen::Bank,
                Screen::Builder,
                Screen::Users
            ]
        );
        assert!(staff_pages(Role::Candidate).is_empty());
        assert_eq!(
            staff_pages(Role::Invigilator),
            vec![Screen::Invigilator, Screen::Home]
        );
        // Every landing page of a staff role is on its navigation, and an
        // administrator reaches every staff screen there is.
        for role in [Role::Teacher, Role::Invigilator, Role::Admin] {
            assert!(staff_pages(role).contains(&home_for(role)), "{role:?}");
        }
        for role in [Role::Teacher, Role::Invigilator] {
            for page in staff_pages(role) {
                assert!(staff_pages(Role::Admin).contains(&page), "{page:?}");
            }
        }
        let m = Rc::new(Model::default()).reduce(Action::Open(Screen::Bank));
        assert_eq!(m.screen, Screen::Bank);
    }

    #[test]
    fn an_edit_is_unsaved_until_acknowledged_unless_a_newer_edit_is_pending() {
        let m = Rc::new(ExamModel::new(view(), 0.0));
        assert_eq!(m.current, 1, "resumes at the stored question");
        let m = m.reduce(ExamAction::Edit {
            question: "q1".into(),
            answer: Some(Answer::Text("x".into())),
        });
        assert!(m.unsaved.contains("q1") && m.is_answered("q1"));
        let clock = m.clock.clone();
        let m = m.reduce(ExamAction::Saved {
            question: "q1".into(),
            seq: 5,
            clock: clock.clone(),
            at: 0.0,
            still_dirty: true,
        });
        assert!(m.unsaved.contains("q1"), "a newer edit is still on its way");
        let m = m.reduce(ExamAction::Saved {
            question: "q1".into(),
            seq: 6,
            clock,
            at: 0.0,
            still_dirty: false,
        });
        assert!(m.unsaved.is_empty() && m.last_seq == 6);
        assert_eq!(m.unanswered(), vec![2, 3]);
        assert_eq!(m.flagged_numbers(), vec![3]);
    }

    #[test]
    fn a_save_is_not_copied_to_the_room_until_a_heartbeat_says_so() {
        let mut m = ExamModel::new(view(), 0.0);
        m.clock.room_copy = Some(CopyStatusDto {
            behind: 0,
            refused: None,
        });
        let saved_clock = m.clock.clone();
        let m = Rc::new(m).reduce(ExamAction::Saved {
            question: "q1".into(),
            seq: 7,
            clock: ClockDto {
                room_copy: None,
                ..saved_clock.clone()
            },
            at: 0.0,
            still_dirty: false,
        });
        assert_eq!(m.clock.room_copy.as_ref().map(|c| c.behind), Some(1));
        let m = m.reduce(ExamAction::Clock {
            clock: ClockDto {
                room_copy: Some(CopyStatusDto {
                    behind: 0,
                    refused: None,
                }),
                ..saved_clock
            },
            at: 0.0,
        });
        assert_eq!(m.clock.room_copy.as_ref().map(|c| c.behind), Some(0));
    }

    #[test]
    fn the_countdown_follows_the_backend_and_stops_at_zero() {
        let m = ExamModel::new(view(), 1000.0);
        assert_eq!(m.remaining_ms(1000.0), 60_000);
        assert_eq!(m.remaining_ms(31_000.0), 30_000);
        assert_eq!(m.remaining_ms(500_000.0), 0);
        assert_eq!(format_remaining(61_000), "01:01");
        assert_eq!(format_remaining(3_600_000 + 5_000), "1:00:05");
        assert_eq!(
            format_remaining(1),
            "00:01",
            "rounds up: never shows 00:00 with time left"
        );
    }

    #[test]
    fn a_paused_clock_does_not_count_down() {
        let mut v = view();
        v.clock.paused = true;
        let m = ExamModel::new(v, 1000.0);
        assert_eq!(m.remaining_ms(1000.0), 60_000);
        assert_eq!(
            m.remaining_ms(301_000.0),
            60_000,
            "five minutes of pause cost nothing"
        );
        let resumed = Rc::new(m).reduce(ExamAction::Clock {
            clock: ClockDto {
                remaining_ms: 60_000,
                allowed_ms: 60_000,
                status: AttemptStatus::InProgress,
                paused: false,
                locked: false,
                room_copy: None,
            },
            at: 301_000.0,
        });
        assert_eq!(
            resumed.remaining_ms(311_000.0),
            50_000,
            "counts down again once resumed"
        );
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    fn items(v: &[&str]) -> Vec<OptionDto> {
        v.iter()
            .map(|id| OptionDto {
                id: (*id).into(),
                text: format!("text {id}"),
            })
            .collect()
    }

    #[test]
    fn an_ordering_item_moves_one_place_and_not_past_either_end() {
        let order = ids(&["a", "b", "c"]);
        assert_eq!(move_item(&order, 1, true), Some(ids(&["b", "a", "c"])));
        assert_eq!(move_item(&order, 1, false), Some(ids(&["a", "c", "b"])));
        assert_eq!(move_item(&order, 2, true), Some(ids(&["a", "c", "b"])));
        assert_eq!(move_item(&order, 0, true), None, "the first cannot go up");
        assert_eq!(move_item(&order, 2, false), None, "the last cannot go down");
        assert_eq!(move_item(&order, 3, true), None, "no such item");
        assert_eq!(move_item(&[], 0, false), None);
    }

    #[test]
    fn ordering_items_show_the_answer_order_else_the_starting_order() {
        let start = items(&["c", "a", "b"]);
        let shown = |a: Option<Answer>| -> Vec<String> {
            ordered_items(&start, a.as_ref())
                .into_iter()
                .map(|o| o.id)
                .collect()
        };
        assert_eq!(shown(None), ids(&["c", "a", "b"]), "unanswered: as dealt");
        assert_eq!(
            shown(Some(Answer::Choices(ids(&["a", "b", "c"])))),
            ids(&["a", "b", "c"])
        );
        assert_eq!(
            shown(Some(Answer::Choices(ids(&["b", "x", "b"])))),
            ids(&["b", "c", "a"]),
            "unknown and repeated ids are dropped, missing items follow in starting order"
        );
        assert_eq!(shown(Some(Answer::Text("a".into()))), ids(&["c", "a", "b"]));
        let moved = move_item(&shown(None), 0, false).map(Answer::Choices);
        assert_eq!(moved, Some(Answer::Choices(ids(&["a", "c", "b"]))));
    }

    #[test]
    fn a_map_answer_is_built_one_entry_at_a_time_and_cleared_when_empty() {
        let a = with_map_value(None, "g1", "Paris".into());
        let a = with_map_value(a.as_ref(), "g2", "4.5".into());
        assert_eq!(
            a,
            Some(Answer::Map(
                [("g1".into(), "Paris".into()), ("g2".into(), "4.5".into())].into()
            ))
        );
        assert_eq!(map_value(a.as_ref(), "g2"), "4.5");
        assert_eq!(map_value(a.as_ref(), "g3"), "");
        assert_eq!(map_value(Some(&Answer::Text("x".into())), "g1"), "");
        let a = with_map_value(a.as_ref(), "g1", "Lyon".into());
        assert_eq!(map_value(a.as_ref(), "g1"), "Lyon", "a new value replaces");
        let a = with_map_value(a.as_ref(), "g1", String::new());
        assert_eq!(a, Some(Answer::Map([("g2".into(), "4.5".into())].into())));
        assert_eq!(
            with_map_value(a.as_ref(), "g2", String::new()),
            None,
            "nothing left: no answer"
        );
        assert_eq!(
            with_map_value(Some(&Answer::Text("x".into())), "i1", "B".into()),
            Some(Answer::Map([("i1".into(), "B".into())].into())),
            "another shape is replaced"
        );
    }

    #[test]
    fn a_map_of_blanks_is_unanswered_and_an_ordering_is_answered_once_moved() {
        let m = Rc::new(ExamModel::new(view(), 0.0));
        let m = m.reduce(ExamAction::Edit {
            question: "q1".into(),
            answer: Some(Answer::Map(
                [("g1".into(), "  ".into()), ("g2".into(), String::new())].into(),
            )),
        });
        assert!(!m.is_answered("q1"), "every value blank");
        let filled = with_map_value(m.view.answers.get("q1"), "g2", "7".into());
        let m = m.reduce(ExamAction::Edit {
            question: "q1".into(),
            answer: filled,
        });
        assert!(m.is_answered("q1"), "one gap filled");
        let m = m.reduce(ExamAction::Edit {
            question: "q2".into(),
            answer: Some(Answer::Choices(ids(&["b", "a"]))),
        });
        assert!(m.is_answered("q2"));
        assert_eq!(m.unanswered(), vec![3]);
    }

    #[test]
    fn a_forward_only_exam_never_goes_back() {
        use Navigation::{ForwardOnly, Free};
        assert!(can_visit(0, 2, Free) && can_visit(3, 2, Free));
        assert!(!can_visit(0, 2, ForwardOnly) && !can_visit(1, 2, ForwardOnly));
        assert!(can_visit(2, 2, ForwardOnly) && can_visit(3, 2, ForwardOnly));

        let free = Rc::new(ExamModel::new(view(), 0.0));
        assert_eq!(
            free.navigation(),
            Free,
            "free unless the exam says otherwise"
        );
        assert!(free.can_go(0) && free.can_go(2) && !free.can_go(3));
        assert_eq!(free.reduce(ExamAction::Go(0)).current, 0);

        let v: AttemptView = serde_json::from_value({
            let mut j = serde_json::to_value(view()).unwrap();
            j["navigation"] = "forward_only".into();
            j
        })
        .expect("a forward-only view");
        let m = Rc::new(ExamModel::new(v, 0.0));
        assert_eq!((m.navigation(), m.current), (ForwardOnly, 1));
        assert!(!m.can_go(0) && m.can_go(1) && m.can_go(2) && !m.can_go(3));
        let m = m.reduce(ExamAction::Go(0));
        assert_eq!(m.current, 1, "going back is refused");
        let m = m.reduce(ExamAction::Go(2));
        assert_eq!(m.current, 2);
        assert!(!m.can_go(1));
        assert_eq!(m.reduce(ExamAction::Go(1)).current, 2);
    }

    #[test]
    fn the_schedule_form_becomes_a_sitting_request_or_names_the_field_to_fix() {
        let r = sitting_request(7, "2026-12-04T09:30", "", " 15 ").unwrap();
        assert_eq!(r.exam_id, 7);
        assert_eq!(r.opens_at_ms, Some(1_796_376_600_000));
        assert_eq!((r.closes_at_ms, r.late_start_minutes), (None, Some(15)));
        let now = sitting_request(7, "", "", "").unwrap();
        assert_eq!(
            (now.opens_at_ms, now.closes_at_ms, now.late_start_minutes),
            (None, None, None),
            "empty: open now, no limits"
        );
        for (opens, closes, late, field) in [
            ("tomorrow", "", "", "opens_at"),
            ("", "2026-13-04T09:30", "", "closes_at"),
            ("", "2026-12-04 09:30", "", "closes_at"),
            ("", "", "ten", "late_start_minutes"),
            ("", "", "-5", "late_start_minutes"),
        ] {
            let e = sitting_request(1, opens, closes, late).unwrap_err();
            assert_eq!(e.0, field, "{opens:?} {closes:?} {late:?}");
            assert!(!e.1.is_empty());
        }
    }

    #[test]
    fn a_date_and_time_reads_back_as_it_was_written() {
        let ms = crate::i18n::parse_local_date_time("2027-02-28T23:05").unwrap();
        assert_eq!(crate::i18n::date_time(ms), "2027-02-28 23:05");
        assert_eq!(crate::i18n::date_time(ms + 3_600_000), "2027-03-01 00:05");
    }
}
