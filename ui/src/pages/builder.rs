//! The exam builder (teachers and administrators): the exam's settings, its
//! sections with fixed bank questions and random draws, the candidates to
//! assign, a preview as a candidate (another draw on request), and publishing.

use crate::authoring::{
    all_tags, category_tree, flatten, from_publish, join_path, label, matches_search, parse_path,
    part_at, pool_size, preview_parts, BuilderForm, FormProblem, ItemForm, SectionForm,
};
use crate::components::{type_label, PreviewQuestion};
use crate::i18n::{date_time, marks, t, ta};
use crate::ipc;
use crate::richtext::RichText;
use crate::state::Screen;
use crate::Nav;
use examhall_protocol::bank::{
    BankFilter, BankItemDto, DraftDto, DraftSummaryDto, ExamPreviewDto, PreviewExam, SaveDraft,
};
use examhall_protocol::UserDto;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Picker rows shown at once; a search narrows the rest.
const PICKER_ROWS: usize = 100;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    /// A saved draft to open (a new exam's, a clone, or an edit of a
    /// published exam).
    #[prop_or_default]
    pub draft: Option<i64>,
}

/// Everything the page's controls change, changed one action at a time (so two
/// quick changes never overwrite each other).
#[derive(Clone, Default, PartialEq)]
struct Builder {
    form: BuilderForm,
    chosen: BTreeSet<i64>,
    /// Extra time per candidate, as typed (absent: 1).
    multipliers: BTreeMap<i64, String>,
    seed: u32,
    /// The section whose question picker is open.
    picker: Option<usize>,
    picker_text: String,
    /// The saved draft this form is (saving overwrites it; publishing removes it).
    draft_id: Option<i64>,
    /// The published exam the draft edits in place.
    editing: Option<i64>,
}

impl Builder {
    /// The builder with a saved draft in it.
    fn from_draft(d: &DraftDto) -> Builder {
        let (form, chosen, multipliers) = from_publish(&d.body);
        Builder {
            form,
            chosen,
            multipliers,
            draft_id: Some(d.summary.id),
            editing: d.summary.exam_id,
            ..Builder::default()
        }
    }
}

type Change = Box<dyn FnOnce(&mut Builder)>;
/// Sets something in the builder from a control's value.
type Setter = Rc<dyn Fn(&mut Builder, String)>;

impl Reducible for Builder {
    type Action = Change;
    fn reduce(self: Rc<Self>, change: Change) -> Rc<Self> {
        let mut next = (*self).clone();
        change(&mut next);
        Rc::new(next)
    }
}

/// The value of the input, text area or select an event came from.
fn value_of(e: &Event) -> String {
    let Some(target) = e.target() else {
        return String::new();
    };
    if let Some(x) = target.dyn_ref::<HtmlInputElement>() {
        x.value()
    } else if let Some(x) = target.dyn_ref::<HtmlTextAreaElement>() {
        x.value()
    } else if let Some(x) = target.dyn_ref::<HtmlSelectElement>() {
        x.value()
    } else {
        String::new()
    }
}

fn checked_of(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

/// What is wrong in the form, in words; `people` name a candidate.
fn problem_text(p: FormProblem, people: &[UserDto]) -> String {
    match p {
        FormProblem::Duration(x) => ta("builder-bad-duration", &[("text", x.into())]),
        FormProblem::PassMark(x) => ta("builder-bad-pass", &[("text", x.into())]),
        FormProblem::DrawCount(section, item, x) => ta(
            "builder-bad-count",
            &[
                ("section", section.into()),
                ("item", item.into()),
                ("text", x.into()),
            ],
        ),
        FormProblem::Multiplier(id, x) => {
            let name = people
                .iter()
                .find(|u| u.id == id)
                .map_or_else(|| id.to_string(), |u| u.display_name.clone());
            ta(
                "builder-bad-multiplier",
                &[("name", name.into()), ("text", x.into())],
            )
        }
    }
}

fn preview_html(pv: &ExamPreviewDto) -> Html {
    let parts = preview_parts(pv);
    let count = parts.len();
    let questions = pv.questions.iter().enumerate().map(|(i, q)| {
        let head = part_at(&parts, i).filter(|(_, p)| p.first == i).map(|(n, p)| {
            html! {
                <>
                <h3 class="section-title preview-section">
                    {ta("exam-section", &[("number", (n + 1).into()), ("count", count.into()), ("title", p.title.clone().into())])}
                </h3>
                if !p.instructions.trim().is_empty() {
                    <div class="section-instructions rich"><RichText text={p.instructions.clone()} /></div>
                }
                </>
            }
        });
        html! {
            <>
            { head.unwrap_or_default() }
            <PreviewQuestion question={q.clone()} number={Some(i + 1)} />
            </>
        }
    });
    html! {
        <>
        <h3>{&pv.title}</h3>
        <p class="muted" id="preview-summary">
            {ta("builder-preview-summary", &[
                ("questions", pv.questions.len().into()),
                ("minutes", pv.duration_minutes.into()),
                ("n", pv.total_marks.into()),
                ("marks", marks(pv.total_marks).into()),
            ])}
        </p>
        { for questions }
        </>
    }
}

#[function_component(ExamBuilder)]
pub fn exam_builder(p: &Props) -> Html {
    let state = use_reducer(Builder::default);
    let catalogue = use_state(|| None::<Vec<BankItemDto>>);
    let people = use_state(Vec::<UserDto>::new);
    let preview = use_state(|| None::<Result<ExamPreviewDto, String>>);
    let published = use_state(|| None::<Result<String, String>>);
    let busy = use_state(|| false);
    let drafts = use_state(Vec::<DraftSummaryDto>::new);
    // Bumped to read the drafts list again (after a save, a publish, a delete).
    let drafts_seen = use_state(|| 0u32);
    {
        let (nav, drafts) = (p.nav.clone(), drafts.clone());
        use_effect_with(*drafts_seen, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::drafts(&nav.token).await {
                    Ok(list) => drafts.set(list),
                    Err(e) => nav.check(&e),
                }
            });
        });
    }
    {
        let (nav, catalogue, people, draft) =
            (p.nav.clone(), catalogue.clone(), people.clone(), p.draft);
        let (dispatch, published) = (state.dispatcher(), published.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(id) = draft {
                    match ipc::open_draft(&nav.token, id).await {
                        Ok(d) => {
                            let b = Builder::from_draft(&d);
                            dispatch.dispatch(Box::new(move |x: &mut Builder| *x = b));
                        }
                        Err(e) => {
                            nav.check(&e);
                            published.set(Some(Err(e.message)));
                        }
                    }
                }
                match ipc::bank(&nav.token, BankFilter::default()).await {
                    Ok(list) => catalogue.set(Some(list)),
                    Err(e) => {
                        nav.check(&e);
                        catalogue.set(Some(Vec::new()));
                    }
                }
                if let Ok(list) = ipc::candidates(&nav.token).await {
                    people.set(list);
                }
            });
        });
    }
    let dispatch = state.dispatcher();
    // A callback applying `f` with the event's value.
    let on_value = |f: Setter| {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let (v, f) = (value_of(&e), f.clone());
            d.dispatch(Box::new(move |b: &mut Builder| f(b, v)));
        })
    };
    let on_text = |f: Setter| {
        let d = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let (v, f) = (value_of(&e), f.clone());
            d.dispatch(Box::new(move |b: &mut Builder| f(b, v)));
        })
    };
    let on_check = |f: fn(&mut BuilderForm, bool)| {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let v = checked_of(&e);
            d.dispatch(Box::new(move |b: &mut Builder| f(&mut b.form, v)));
        })
    };
    let act = |f: Rc<dyn Fn(&mut Builder)>| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            let f = f.clone();
            d.dispatch(Box::new(move |b: &mut Builder| f(b)));
        })
    };

    let bank: Vec<BankItemDto> = (*catalogue).clone().unwrap_or_default();
    let tree = category_tree(bank.iter().map(|i| i.category.as_slice()));
    let categories: Vec<(usize, String, String)> = flatten(&tree)
        .into_iter()
        .map(|(depth, n)| (depth, join_path(&n.path), n.name.clone()))
        .collect();
    let tags = all_tags(&bank);
    let b = &*state;
    let form = &b.form;
    let fixed = form.fixed_ids();

    let sections = form.sections.iter().enumerate().map(|(i, s)| {
        let items = s.items.iter().enumerate().map(|(j, item)| {
            let remove = act(Rc::new(move |b: &mut Builder| {
                if let Some(s) = b.form.sections.get_mut(i) {
                    if j < s.items.len() {
                        s.items.remove(j);
                    }
                }
            }));
            let remove_button = html! {
                <button type="button" class="link-button" id={format!("item-remove-{i}-{j}")} onclick={remove}>{t("builder-remove")}</button>
            };
            match item {
                ItemForm::Fixed { bank_id } => {
                    let found = bank.iter().find(|x| x.id == *bank_id);
                    html! {
                        <li class="item fixed" id={format!("item-{i}-{j}")} data-bank-id={bank_id.to_string()}>
                            <span class="item-kind">{t("builder-fixed-label")}</span>
                            { match found {
                                Some(x) => html! {
                                    <>
                                    <span>{label(x)}</span>
                                    <span class="muted">{format!(" · {} · ", type_label(&x.type_name))}{ta("preview-marks", &[("n", x.marks.into()), ("marks", marks(x.marks).into())])}</span>
                                    </>
                                },
                                None => html! { <span>{ta("builder-missing", &[("id", (*bank_id).into())])}</span> },
                            } }
                            {remove_button}
                        </li>
                    }
                }
                ItemForm::Draw { count, category, tag } => {
                    let path = parse_path(category);
                    let tag_opt = Some(tag.as_str()).filter(|t| !t.is_empty());
                    let pool = pool_size(&bank, &path, tag_opt, &fixed);
                    let short = count.trim().parse::<usize>().is_ok_and(|c| c > pool);
                    let set_draw = |f: fn(&mut String, &mut String, &mut String, String)| {
                        Rc::new(move |b: &mut Builder, v: String| {
                            if let Some(ItemForm::Draw { count, category, tag }) =
                                b.form.sections.get_mut(i).and_then(|s| s.items.get_mut(j))
                            {
                                f(count, category, tag, v);
                            }
                        }) as Setter
                    };
                    html! {
                        <li class="item draw" id={format!("item-{i}-{j}")}>
                            <span class="item-kind">{t("builder-draw-label")}</span>
                            <label for={format!("draw-count-{i}-{j}")}>{t("builder-draw-count")}</label>
                            <input id={format!("draw-count-{i}-{j}")} class="count-input" type="number" min="1" value={count.clone()}
                                oninput={on_text(set_draw(|c, _, _, v| *c = v))}
                                onchange={on_value(set_draw(|c, _, _, v| *c = v))} />
                            <label for={format!("draw-category-{i}-{j}")}>{t("builder-draw-category")}</label>
                            <select id={format!("draw-category-{i}-{j}")} onchange={on_value(set_draw(|_, cat, _, v| *cat = v))}>
                                <option value="" selected={category.is_empty()}>{t("builder-all-categories")}</option>
                                { for categories.iter().map(|(depth, value, name)| html! {
                                    <option value={value.clone()} selected={value == category}>
                                        {format!("{}{}", "\u{a0}\u{a0}\u{a0}".repeat(*depth), name)}
                                    </option>
                                }) }
                            </select>
                            <label for={format!("draw-tag-{i}-{j}")}>{t("builder-draw-tag")}</label>
                            <select id={format!("draw-tag-{i}-{j}")} onchange={on_value(set_draw(|_, _, tg, v| *tg = v))}>
                                <option value="" selected={tag.is_empty()}>{t("builder-any-tag")}</option>
                                { for tags.iter().map(|tg| html! {
                                    <option value={tg.clone()} selected={tg == tag}>{tg}</option>
                                }) }
                            </select>
                            <span class={classes!("pool", short.then_some("short"))} id={format!("draw-pool-{i}-{j}")} aria-live="polite">
                                {ta("builder-pool", &[("count", pool.into())])}
                            </span>
                            if short { <span class="error">{t("builder-pool-short")}</span> }
                            {remove_button}
                        </li>
                    }
                }
            }
        });
        let picker = (b.picker == Some(i)).then(|| {
            let matching: Vec<&BankItemDto> =
                bank.iter().filter(|x| matches_search(x, &b.picker_text)).collect();
            let chosen: BTreeSet<i64> = s
                .items
                .iter()
                .filter_map(|x| match x {
                    ItemForm::Fixed { bank_id } => Some(*bank_id),
                    ItemForm::Draw { .. } => None,
                })
                .collect();
            let rows = matching.iter().take(PICKER_ROWS).map(|x| {
                let id = x.id;
                let add = act(Rc::new(move |b: &mut Builder| {
                    if let Some(s) = b.form.sections.get_mut(i) {
                        s.items.push(ItemForm::Fixed { bank_id: id });
                    }
                }));
                html! {
                    <li class="pick-row" data-bank-id={id.to_string()}>
                        <span class="pick-label">{label(x)}</span>
                        <span class="muted">{format!(" · {} · {} · ", type_label(&x.type_name), x.category.join(" / "))}{ta("preview-marks", &[("n", x.marks.into()), ("marks", marks(x.marks).into())])}</span>
                        if chosen.contains(&id) { <span class="pill">{t("builder-in-section")}</span> }
                        <button type="button" class="pick" id={format!("pick-{i}-{id}")} onclick={add}>{t("builder-pick")}</button>
                    </li>
                }
            });
            let more = matching.len().saturating_sub(PICKER_ROWS);
            html! {
                <div class="picker" id={format!("picker-{i}")} role="group" aria-label={t("builder-picker")}>
                    <label for={format!("picker-search-{i}")}>{t("builder-picker-search")}</label>
                    <input id={format!("picker-search-{i}")} type="search" value={b.picker_text.clone()}
                        oninput={on_text(Rc::new(|b: &mut Builder, v: String| b.picker_text = v))} />
                    <ul class="pick-list">{ for rows }</ul>
                    if matching.is_empty() { <p class="muted">{t("builder-picker-none")}</p> }
                    if more > 0 { <p class="muted">{ta("builder-picker-more", &[("count", more.into())])}</p> }
                    <button type="button" id={format!("picker-close-{i}")} onclick={act(Rc::new(|b: &mut Builder| b.picker = None))}>{t("builder-picker-done")}</button>
                </div>
            }
        });
        html! {
            <fieldset class="builder-section" id={format!("section-{i}")}>
                <legend>{ta("builder-section", &[("number", (i + 1).into())])}</legend>
                <label for={format!("section-title-{i}")}>{t("builder-section-title")}</label>
                <input id={format!("section-title-{i}")} value={s.title.clone()}
                    oninput={on_text(Rc::new(move |b: &mut Builder, v: String| if let Some(s) = b.form.sections.get_mut(i) { s.title = v }))} />
                <label for={format!("section-instructions-{i}")}>{t("builder-section-instructions")}</label>
                <textarea id={format!("section-instructions-{i}")} rows="2" value={s.instructions.clone()}
                    oninput={on_text(Rc::new(move |b: &mut Builder, v: String| if let Some(s) = b.form.sections.get_mut(i) { s.instructions = v }))} />
                <ol class="section-items">{ for items }</ol>
                if s.items.is_empty() { <p class="muted">{t("builder-section-empty")}</p> }
                <div class="actions">
                    <button type="button" id={format!("section-add-fixed-{i}")}
                        onclick={act(Rc::new(move |b: &mut Builder| b.picker = Some(i)))}>{t("builder-add-fixed")}</button>
                    <button type="button" id={format!("section-add-draw-{i}")}
                        onclick={act(Rc::new(move |b: &mut Builder| if let Some(s) = b.form.sections.get_mut(i) { s.items.push(ItemForm::new_draw()) }))}>{t("builder-add-draw")}</button>
                    <button type="button" id={format!("section-remove-{i}")} class="link-button"
                        onclick={act(Rc::new(move |b: &mut Builder| {
                            if i < b.form.sections.len() {
                                b.form.sections.remove(i);
                                b.picker = None;
                            }
                        }))}>{t("builder-remove-section")}</button>
                </div>
                { picker.unwrap_or_default() }
            </fieldset>
        }
    });

    let all_chosen = !people.is_empty() && people.iter().all(|u| b.chosen.contains(&u.id));
    let candidates = people.iter().map(|u| {
        let id = u.id;
        let toggle = {
            let d = dispatch.clone();
            Callback::from(move |e: Event| {
                let on = checked_of(&e);
                d.dispatch(Box::new(move |b: &mut Builder| {
                    if on {
                        b.chosen.insert(id);
                    } else {
                        b.chosen.remove(&id);
                    }
                }));
            })
        };
        let chosen = b.chosen.contains(&id);
        let multiplier = b
            .multipliers
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "1".to_owned());
        let set_multiplier = Rc::new(move |b: &mut Builder, v: String| {
            b.multipliers.insert(id, v);
        }) as Setter;
        html! {
            <div class="cand-line">
                <label class="inline-check cand-row" for={format!("cand-{id}")}>
                    <input type="checkbox" class="cand" id={format!("cand-{id}")} data-user-id={id.to_string()}
                        checked={chosen} onchange={toggle} />
                    {format!("{} ({})", u.display_name, u.username)}
                </label>
                if chosen {
                    <label class="inline-check mult" for={format!("mult-{id}")}>
                        {t("builder-extra-time")}
                        <input type="number" class="mult-input" id={format!("mult-{id}")} data-user-id={id.to_string()}
                            min="1" max="4" step="0.25" value={multiplier}
                            onchange={on_value(set_multiplier)} />
                    </label>
                }
            </div>
        }
    });
    let choose_all = {
        let (d, ids) = (
            dispatch.clone(),
            people.iter().map(|u| u.id).collect::<Vec<_>>(),
        );
        Callback::from(move |_: MouseEvent| {
            let ids = ids.clone();
            d.dispatch(Box::new(move |b: &mut Builder| {
                if ids.iter().all(|i| b.chosen.contains(i)) {
                    b.chosen.clear();
                } else {
                    b.chosen.extend(ids);
                }
            }));
        })
    };

    // Preview with `seed`: the draft as one candidate would get it.
    let run_preview = {
        let (nav, preview, busy, people) =
            (p.nav.clone(), preview.clone(), busy.clone(), people.clone());
        move |form: BuilderForm, seed: u32| {
            let draft = match form.to_draft() {
                Ok(d) => d,
                Err(problem) => {
                    preview.set(Some(Err(problem_text(problem, &people))));
                    return;
                }
            };
            let (nav, preview, busy) = (nav.clone(), preview.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let res = ipc::preview_exam(&nav.token, PreviewExam { draft, seed }).await;
                busy.set(false);
                match res {
                    Ok(pv) => preview.set(Some(Ok(pv))),
                    Err(e) => {
                        nav.check(&e);
                        preview.set(Some(Err(e.message)));
                    }
                }
            });
        }
    };
    let on_preview = {
        let (run, form, seed) = (run_preview.clone(), form.clone(), b.seed);
        Callback::from(move |_: MouseEvent| run(form.clone(), seed))
    };
    let on_redraw = {
        let (run, form, seed, d) = (run_preview.clone(), form.clone(), b.seed, dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            let next = seed.wrapping_add(1);
            d.dispatch(Box::new(move |b: &mut Builder| b.seed = next));
            run(form.clone(), next)
        })
    };
    // The form as a publish request, or its problem shown where results are.
    let request = {
        let (form, chosen, multipliers, people, published) = (
            form.clone(),
            b.chosen.clone(),
            b.multipliers.clone(),
            people.clone(),
            published.clone(),
        );
        Rc::new(move || match form.to_publish(&chosen, &multipliers) {
            Ok(r) => Some(r),
            Err(problem) => {
                published.set(Some(Err(problem_text(problem, &people))));
                None
            }
        })
    };
    // A refusal from the backend, shown where results are.
    let refused = {
        let (nav, published) = (p.nav.clone(), published.clone());
        Rc::new(move |e: examhall_protocol::ErrorDto| {
            nav.check(&e);
            published.set(Some(Err(e.message)));
        })
    };
    let on_publish = {
        let (nav, published, busy, request, refused) = (
            p.nav.clone(),
            published.clone(),
            busy.clone(),
            request.clone(),
            refused.clone(),
        );
        let (draft_id, editing, d, drafts_seen) =
            (b.draft_id, b.editing, dispatch.clone(), drafts_seen.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(mut req) = request() else { return };
            req.draft_id = draft_id;
            let (nav, published, busy, d, drafts_seen, refused) = (
                nav.clone(),
                published.clone(),
                busy.clone(),
                d.clone(),
                drafts_seen.clone(),
                refused.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let res = ipc::publish_exam(&nav.token, req).await;
                busy.set(false);
                match res {
                    Ok(r) => {
                        let key = if editing.is_some() {
                            "builder-changed"
                        } else {
                            "builder-published"
                        };
                        published.set(Some(Ok(ta(
                            key,
                            &[("id", r.exam_id.into()), ("count", r.assigned.into())],
                        ))));
                        // The draft became the exam: what is on screen is no
                        // longer a draft, nor an edit in progress.
                        d.dispatch(Box::new(|b: &mut Builder| {
                            b.draft_id = None;
                            b.editing = None;
                        }));
                        drafts_seen.set(*drafts_seen + 1);
                    }
                    Err(e) => refused(e),
                }
            });
        })
    };
    let on_save_draft = {
        let (nav, published, busy, request, refused) = (
            p.nav.clone(),
            published.clone(),
            busy.clone(),
            request.clone(),
            refused.clone(),
        );
        let (draft_id, d, drafts_seen) = (b.draft_id, dispatch.clone(), drafts_seen.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(body) = request() else { return };
            let (nav, published, busy, d, drafts_seen, refused) = (
                nav.clone(),
                published.clone(),
                busy.clone(),
                d.clone(),
                drafts_seen.clone(),
                refused.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let res = ipc::save_draft(&nav.token, SaveDraft { id: draft_id, body }).await;
                busy.set(false);
                match res {
                    Ok(s) => {
                        published.set(Some(Ok(ta(
                            "builder-draft-saved",
                            &[("title", s.title.clone().into())],
                        ))));
                        d.dispatch(Box::new(move |b: &mut Builder| b.draft_id = Some(s.id)));
                        drafts_seen.set(*drafts_seen + 1);
                    }
                    Err(e) => refused(e),
                }
            });
        })
    };
    let draft_rows = drafts.iter().map(|x| {
        let id = x.id;
        let open = {
            let nav = p.nav.clone();
            Callback::from(move |_: MouseEvent| nav.go(Screen::Draft(id)))
        };
        let delete = {
            let (nav, published, drafts_seen, d, current) = (
                p.nav.clone(),
                published.clone(),
                drafts_seen.clone(),
                dispatch.clone(),
                b.draft_id,
            );
            Callback::from(move |_: MouseEvent| {
                let (nav, published, drafts_seen, d) =
                    (nav.clone(), published.clone(), drafts_seen.clone(), d.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match ipc::delete_draft(&nav.token, id).await {
                        Ok(()) => {
                            published.set(Some(Ok(t("builder-draft-deleted"))));
                            if current == Some(id) {
                                d.dispatch(Box::new(|b: &mut Builder| {
                                    b.draft_id = None;
                                    b.editing = None;
                                }));
                            }
                            drafts_seen.set(*drafts_seen + 1);
                        }
                        Err(e) => {
                            nav.check(&e);
                            published.set(Some(Err(e.message)));
                        }
                    }
                });
            })
        };
        html! {
            <li class="draft-row" id={format!("draft-{id}")}>
                <strong>{&x.title}</strong>
                <span class="muted">
                    {" · "}{ta("builder-draft-updated", &[("time", date_time(x.updated_at_ms).into())])}
                    if let Some(e) = x.exam_id { {" · "}{ta("builder-draft-edits", &[("id", e.into())])} }
                </span>
                if b.draft_id == Some(id) { {" "}<span class="pill">{t("builder-draft-current")}</span> }
                {" "}<button type="button" id={format!("draft-open-{id}")} onclick={open}>{t("builder-draft-open")}</button>
                {" "}<button type="button" class="link-button" id={format!("draft-delete-{id}")} onclick={delete}>{t("builder-draft-delete")}</button>
            </li>
        }
    });

    html! {
        <>
        <h1>{t("builder-title")}</h1>
        if let Some(id) = b.editing {
            <p class="notice" id="builder-editing" role="status">{ta("builder-editing", &[("id", id.into())])}</p>
        } else if b.draft_id.is_some() {
            <p class="muted" id="builder-editing-draft">{t("builder-editing-draft")}</p>
        }
        <section class="card builder" aria-labelledby="builder-drafts-heading">
            <h2 id="builder-drafts-heading">{t("builder-drafts")}</h2>
            if drafts.is_empty() {
                <p class="muted" id="builder-no-drafts">{t("builder-no-drafts")}</p>
            } else {
                <ul id="builder-drafts" class="drafts">{ for draft_rows }</ul>
            }
        </section>
        <section class="card builder" aria-labelledby="builder-settings">
            <h2 id="builder-settings">{t("builder-settings")}</h2>
            <div class="form-grid">
                <label for="builder-title">{t("builder-exam-title")}</label>
                <input id="builder-title" value={form.title.clone()}
                    oninput={on_text(Rc::new(|b: &mut Builder, v: String| b.form.title = v))} />
                <label for="builder-duration">{t("builder-duration")}</label>
                <input id="builder-duration" class="count-input" inputmode="numeric" value={form.duration.clone()}
                    oninput={on_text(Rc::new(|b: &mut Builder, v: String| b.form.duration = v))} />
                <label for="builder-pass">{t("builder-pass")}</label>
                <input id="builder-pass" class="count-input" inputmode="decimal" value={form.pass.clone()}
                    oninput={on_text(Rc::new(|b: &mut Builder, v: String| b.form.pass = v))} />
                <label for="builder-release">{t("builder-release")}</label>
                <select id="builder-release"
                    onchange={on_value(Rc::new(|b: &mut Builder, v: String| b.form.after_review = v == "after_review"))}>
                    <option value="immediately" selected={!form.after_review}>{t("builder-release-immediately")}</option>
                    <option value="after_review" selected={form.after_review}>{t("builder-release-after-review")}</option>
                </select>
                <label for="builder-feedback">{t("builder-feedback")}</label>
                <select id="builder-feedback"
                    onchange={on_value(Rc::new(|b: &mut Builder, v: String| b.form.feedback_with_results = v == "with_results"))}>
                    <option value="never" selected={!form.feedback_with_results}>{t("builder-feedback-never")}</option>
                    <option value="with_results" selected={form.feedback_with_results}>{t("builder-feedback-with-results")}</option>
                </select>
            </div>
            <div class="checks">
                <label class="inline-check" for="builder-negative">
                    <input type="checkbox" id="builder-negative" checked={form.negative_marking} onchange={on_check(|f, v| f.negative_marking = v)} />
                    {t("builder-negative")}
                </label>
                <label class="inline-check" for="builder-shuffle-questions">
                    <input type="checkbox" id="builder-shuffle-questions" checked={form.shuffle_questions} onchange={on_check(|f, v| f.shuffle_questions = v)} />
                    {t("builder-shuffle-questions")}
                </label>
                <label class="inline-check" for="builder-shuffle-options">
                    <input type="checkbox" id="builder-shuffle-options" checked={form.shuffle_options} onchange={on_check(|f, v| f.shuffle_options = v)} />
                    {t("builder-shuffle-options")}
                </label>
                <label class="inline-check" for="builder-allow-paste">
                    <input type="checkbox" id="builder-allow-paste" checked={form.allow_paste} onchange={on_check(|f, v| f.allow_paste = v)} />
                    {t("builder-allow-paste")}
                </label>
                <label class="inline-check" for="builder-warn-focus">
                    <input type="checkbox" id="builder-warn-focus" checked={form.warn_on_focus_loss} onchange={on_check(|f, v| f.warn_on_focus_loss = v)} />
                    {t("builder-warn-focus")}
                </label>
                <label class="inline-check" for="builder-forward-only">
                    <input type="checkbox" id="builder-forward-only" checked={form.forward_only} onchange={on_check(|f, v| f.forward_only = v)} />
                    {t("builder-forward-only")}
                </label>
            </div>
        </section>
        <section class="card builder" aria-labelledby="builder-sections">
            <h2 id="builder-sections">{t("builder-sections")}</h2>
            if catalogue.as_ref().is_some_and(|c| c.is_empty()) {
                <p class="muted">{t("builder-bank-empty")}</p>
            }
            { for sections }
            if form.sections.is_empty() { <p class="muted">{t("builder-no-sections")}</p> }
            <button type="button" id="builder-add-section"
                onclick={act(Rc::new(|b: &mut Builder| b.form.sections.push(SectionForm::default())))}>{t("builder-add-section")}</button>
        </section>
        <section class="card builder" aria-labelledby="builder-candidates-heading">
            <h2 id="builder-candidates-heading">{t("builder-candidates")}</h2>
            if people.is_empty() {
                <p class="muted">{t("builder-no-candidates")}</p>
            } else {
                <button type="button" id="builder-candidates-all" class="link-button" onclick={choose_all}>
                    { if all_chosen { t("builder-choose-none") } else { t("builder-choose-all") } }
                </button>
            }
            <fieldset id="builder-candidates" class="candidates" aria-labelledby="builder-candidates-heading">
                { for candidates }
            </fieldset>
            <p class="muted">{ta("builder-chosen", &[("count", b.chosen.len().into())])}</p>
        </section>
        <section class="card builder" aria-labelledby="builder-actions">
            <h2 id="builder-actions" class="sr-only">{t("builder-preview-title")}</h2>
            <div class="controls">
                <button type="button" id="builder-preview" disabled={*busy} onclick={on_preview}>{t("builder-preview")}</button>
                if matches!(*preview, Some(Ok(_))) {
                    <button type="button" id="builder-redraw" disabled={*busy} onclick={on_redraw}>{t("builder-redraw")}</button>
                }
                <span class="spacer" />
                <button type="button" id="builder-save-draft" disabled={*busy} onclick={on_save_draft}>{t("builder-save-draft")}</button>
                <button type="button" id="builder-publish" class="primary" disabled={*busy} onclick={on_publish}>
                    { if b.editing.is_some() { t("builder-save-changes") } else { t("builder-publish") } }
                </button>
            </div>
            { match &*published {
                Some(Ok(text)) => html! { <p id="publish-result" class="notice" role="status">{text}</p> },
                Some(Err(text)) => html! { <p id="publish-result" class="error" role="alert">{text}</p> },
                None => html! {},
            } }
            { match &*preview {
                Some(Ok(pv)) => html! {
                    <div id="preview-pane" class="preview-pane" aria-label={t("builder-preview-title")} data-seed={b.seed.to_string()}>
                        { preview_html(pv) }
                    </div>
                },
                Some(Err(text)) => html! {
                    <div id="preview-pane" class="preview-pane">
                        <p class="error" role="alert" id="preview-error">{text}</p>
                    </div>
                },
                None => html! {},
            } }
        </section>
        </>
    }
}
