//! The question bank (teachers and administrators): import a question file
//! after a dry run, search and filter the bank (text, type, category tree, tag,
//! archived), preview a question as the candidate sees it, duplicate, archive or
//! restore, and write or edit a question (its answer key as JSON).

use crate::authoring::{
    self, all_tags, all_types, category_tree, join_path, label, CategoryNode, EditForm,
    EditProblem, FORMATS,
};
use crate::components::{type_label, PreviewQuestion};
use crate::i18n::{marks, t, ta};
use crate::ipc;
use crate::Nav;
use examhall_protocol::bank::{
    BankFilter, BankItemDto, ImportMode, ImportReportDto, ImportRequest,
};
use examhall_protocol::ErrorDto;
use std::collections::BTreeSet;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

#[function_component(BankPage)]
pub fn bank_page(p: &Props) -> Html {
    // Bumped after every change, to reload the list.
    let version = use_state(|| 0_u32);
    let changed = {
        let version = version.clone();
        Callback::from(move |_: ()| version.set(*version + 1))
    };
    html! {
        <>
            <h1>{t("bank-title")}</h1>
            <ImportPanel nav={p.nav.clone()} on_imported={changed.clone()} />
            <BankList nav={p.nav.clone()} version={*version} on_changed={changed} />
        </>
    }
}

/// `category path` as shown in a row.
fn shown_path(path: &[String]) -> String {
    if path.is_empty() {
        t("bank-no-category")
    } else {
        path.join(" / ")
    }
}

fn error_text(e: &ErrorDto) -> String {
    match &e.field {
        Some(f) => ta(
            "bank-error-field",
            &[
                ("field", f.clone().into()),
                ("message", e.message.clone().into()),
            ],
        ),
        None => e.message.clone(),
    }
}

// ---- import -----------------------------------------------------------------

#[derive(Clone, PartialEq)]
struct Loaded {
    name: String,
    content: String,
    base64: bool,
}

async fn read_file(file: web_sys::File) -> Result<Loaded, String> {
    let name = file.name();
    let why = |e: wasm_bindgen::JsValue| {
        ta(
            "import-unreadable",
            &[
                ("file", name.clone().into()),
                ("reason", format!("{e:?}").into()),
            ],
        )
    };
    if authoring::is_binary(&name) {
        let buf = JsFuture::from(file.array_buffer()).await.map_err(why)?;
        let bytes = js_sys::Uint8Array::new(&buf).to_vec();
        Ok(Loaded {
            content: authoring::base64(&bytes),
            base64: true,
            name,
        })
    } else {
        let text = JsFuture::from(file.text()).await.map_err(why)?;
        Ok(Loaded {
            content: text.as_string().unwrap_or_default(),
            base64: false,
            name,
        })
    }
}

#[derive(Clone, PartialEq)]
enum ImportState {
    Idle,
    Busy(String),
    Checked(ImportReportDto),
    Failed(String),
}

#[derive(Properties, PartialEq)]
struct ImportProps {
    nav: Nav,
    on_imported: Callback<()>,
}

/// Choose a file, see what it holds (a dry run), then import it.
#[function_component(ImportPanel)]
fn import_panel(p: &ImportProps) -> Html {
    let format = use_state(|| "gift".to_owned());
    let file = use_state(|| None::<Loaded>);
    let state = use_state(|| ImportState::Idle);
    let done = use_state(|| None::<Result<String, String>>);
    let open = use_state(BTreeSet::<usize>::new);

    // A dry run of `loaded` read as `fmt`.
    let check = {
        let (nav, state, open) = (p.nav.clone(), state.clone(), open.clone());
        move |loaded: Loaded, fmt: String| {
            let (nav, state, open) = (nav.clone(), state.clone(), open.clone());
            state.set(ImportState::Busy(t("import-checking")));
            open.set(BTreeSet::new());
            wasm_bindgen_futures::spawn_local(async move {
                let req = ImportRequest {
                    format: fmt,
                    file_name: loaded.name,
                    content: loaded.content,
                    base64: loaded.base64,
                    mode: ImportMode::Check,
                };
                match ipc::import_questions(&nav.token, req).await {
                    Ok(r) => state.set(ImportState::Checked(r)),
                    Err(e) => {
                        nav.check(&e);
                        state.set(ImportState::Failed(error_text(&e)));
                    }
                }
            });
        }
    };
    let on_file = {
        let (format, file, state, done, check) = (
            format.clone(),
            file.clone(),
            state.clone(),
            done.clone(),
            check.clone(),
        );
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(f) = input.files().and_then(|l| l.get(0)) else {
                return;
            };
            let fmt = authoring::format_for(&f.name())
                .map(str::to_owned)
                .unwrap_or_else(|| (*format).clone());
            format.set(fmt.clone());
            done.set(None);
            state.set(ImportState::Busy(t("import-reading")));
            let (file, state, check, format) =
                (file.clone(), state.clone(), check.clone(), format.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match read_file(f).await {
                    Ok(loaded) => {
                        let fmt = if loaded.base64 {
                            fmt
                        } else {
                            authoring::format_in(&fmt, &loaded.content)
                        };
                        format.set(fmt.clone());
                        file.set(Some(loaded.clone()));
                        check(loaded, fmt);
                    }
                    Err(why) => {
                        file.set(None);
                        state.set(ImportState::Failed(why));
                    }
                }
            });
        })
    };
    let on_format = {
        let (format, file, check) = (format.clone(), file.clone(), check.clone());
        Callback::from(move |e: Event| {
            let fmt = e.target_unchecked_into::<HtmlSelectElement>().value();
            format.set(fmt.clone());
            if let Some(loaded) = (*file).clone() {
                check(loaded, fmt);
            }
        })
    };
    let import = |mode: ImportMode| {
        let (nav, format, file, state, done, on_imported) = (
            p.nav.clone(),
            format.clone(),
            file.clone(),
            state.clone(),
            done.clone(),
            p.on_imported.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(loaded) = (*file).clone() else {
                return;
            };
            let (nav, state, done, on_imported) = (
                nav.clone(),
                state.clone(),
                done.clone(),
                on_imported.clone(),
            );
            let before = (*state).clone();
            state.set(ImportState::Busy(t("import-importing")));
            let req = ImportRequest {
                format: (*format).clone(),
                file_name: loaded.name,
                content: loaded.content,
                base64: loaded.base64,
                mode,
            };
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::import_questions(&nav.token, req).await {
                    Ok(r) => {
                        done.set(Some(Ok(ta(
                            "import-done",
                            &[
                                ("imported", r.imported.into()),
                                ("skipped", r.skipped.into()),
                            ],
                        ))));
                        state.set(ImportState::Idle);
                        on_imported.emit(());
                    }
                    Err(e) => {
                        nav.check(&e);
                        // Keep the dry run on screen, with why nothing was imported.
                        state.set(before);
                        done.set(Some(Err(error_text(&e))));
                    }
                }
            });
        })
    };
    let busy = matches!(*state, ImportState::Busy(_));
    let report = match &*state {
        ImportState::Checked(r) => Some(r),
        _ => None,
    };
    let items = report.map(|r| {
        let rows = r.items.iter().enumerate().map(|(i, it)| {
            let shown = open.contains(&i);
            let toggle = {
                let open = open.clone();
                Callback::from(move |_: MouseEvent| {
                    let mut next = (*open).clone();
                    if !next.remove(&i) {
                        next.insert(i);
                    }
                    open.set(next);
                })
            };
            html! {
                <>
                <tr class="import-row" data-location={it.location.clone().unwrap_or_default()}>
                    <td>{label(it)}</td>
                    <td>{type_label(&it.type_name)}</td>
                    <td>{shown_path(&it.category)}</td>
                    <td class="num">{marks(it.marks)}</td>
                    <td>
                        <button type="button" id={format!("import-preview-{i}")} aria-expanded={shown.to_string()} onclick={toggle}>
                            { if shown { t("bank-hide-preview") } else { t("bank-preview") } }
                        </button>
                    </td>
                </tr>
                if shown {
                    <tr class="preview-row"><td colspan="5"><PreviewQuestion question={it.preview.clone()} /></td></tr>
                }
                </>
            }
        });
        html! {
            <table class="marks" id="import-items">
                <caption class="sr-only">{t("import-items")}</caption>
                <thead><tr>
                    <th>{t("bank-col-question")}</th><th>{t("bank-col-type")}</th>
                    <th>{t("bank-col-category")}</th><th>{t("bank-col-marks")}</th><th />
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        }
    });
    html! {
        <section class="card import-panel" aria-labelledby="import-heading">
            <h2 id="import-heading">{t("import-title")}</h2>
            <div class="form-row">
                <label for="import-file">{t("import-file")}</label>
                <input type="file" id="import-file" accept=".gift,.txt,.xml,.zip,.csv,.json" onchange={on_file} disabled={busy} />
                <label for="import-format">{t("import-format")}</label>
                <select id="import-format" onchange={on_format} disabled={busy}>
                    { for FORMATS.iter().map(|f| html! {
                        <option value={*f} selected={*f == *format}>{format_label(f)}</option>
                    }) }
                </select>
            </div>
            if let ImportState::Busy(what) = &*state { <p class="muted" role="status">{what}</p> }
            if let ImportState::Failed(why) = &*state { <p class="error" role="alert" id="import-error">{why}</p> }
            if let Some(r) = report {
                <p id="import-summary" role="status">
                    {ta("import-summary", &[("questions", r.items.len().into()), ("errors", r.errors.len().into())])}
                </p>
                <ul id="import-errors" class="import-errors">
                    { for r.errors.iter().map(|e| html! {
                        <li class="error">{ta("import-error-line", &[("location", e.location.clone().into()), ("message", e.message.clone().into())])}</li>
                    }) }
                </ul>
                if !r.warnings.is_empty() {
                    <ul id="import-warnings" class="import-warnings">
                        { for r.warnings.iter().map(|e| html! {
                            <li class="muted">{ta("import-warning-line", &[("location", e.location.clone().into()), ("message", e.message.clone().into())])}</li>
                        }) }
                    </ul>
                }
                <div class="actions">
                    <button type="button" id="import-all" class="primary" disabled={busy || !r.errors.is_empty() || r.items.is_empty()}
                        onclick={import(ImportMode::All)}>{t("import-all")}</button>
                    if !r.errors.is_empty() {
                        <button type="button" id="import-valid" disabled={busy || r.items.is_empty()} onclick={import(ImportMode::ValidOnly)}>
                            {ta("import-valid", &[("valid", r.items.len().into()), ("skipped", r.skipped.into())])}
                        </button>
                    }
                </div>
                { items.unwrap_or_default() }
            }
            { match &*done {
                Some(Ok(d)) => html! { <p id="import-done" class="notice" role="status">{d}</p> },
                Some(Err(e)) => html! { <p id="import-refused" class="error" role="alert">{e}</p> },
                None => html! {},
            } }
        </section>
    }
}

fn format_label(f: &str) -> String {
    match f {
        "gift" => t("import-format-gift"),
        "aiken" => t("import-format-aiken"),
        "moodle-xml" => t("import-format-moodle"),
        "qti" => t("import-format-qti"),
        "csv" => t("import-format-csv"),
        "json" => t("import-format-json"),
        other => other.to_owned(),
    }
}

// ---- the bank ---------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct ListProps {
    nav: Nav,
    /// Changes when the bank has changed elsewhere (an import).
    version: u32,
    on_changed: Callback<()>,
}

#[derive(Clone, PartialEq, Default)]
struct Filter {
    text: String,
    type_name: String,
    category: Vec<String>,
    tag: String,
    archived: bool,
}

impl Filter {
    fn request(&self) -> BankFilter {
        let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        BankFilter {
            text: self.text.clone(),
            type_name: some(&self.type_name),
            category: self.category.clone(),
            tag: some(&self.tag),
            include_archived: self.archived,
        }
    }
}

fn tree_html(nodes: &[CategoryNode], selected: &[String], pick: &Callback<Vec<String>>) -> Html {
    if nodes.is_empty() {
        return html! {};
    }
    html! {
        <ul class="cat-tree">
            { for nodes.iter().map(|n| {
                let on = n.path == selected;
                let (emit, path) = (pick.clone(), n.path.clone());
                html! {
                    <li>
                        <button type="button" class={classes!("cat-node", on.then_some("current"))}
                            data-path={join_path(&n.path)} aria-pressed={on.to_string()}
                            onclick={Callback::from(move |_: MouseEvent| emit.emit(path.clone()))}>
                            {&n.name}<span class="muted">{format!(" ({})", n.count)}</span>
                        </button>
                        { tree_html(&n.children, selected, pick) }
                    </li>
                }
            }) }
        </ul>
    }
}

#[function_component(BankList)]
fn bank_list(p: &ListProps) -> Html {
    let filter = use_state(Filter::default);
    let items = use_state(|| None::<Vec<BankItemDto>>);
    // Every question (archived too): the category tree, the tags and the types.
    let catalogue = use_state(Vec::<BankItemDto>::new);
    let open = use_state(BTreeSet::<i64>::new);
    let editing = use_state(|| None::<EditForm>);
    let edit_error = use_state(|| None::<String>);
    let message = use_state(|| None::<Result<String, String>>);
    let asked = use_mut_ref(|| 0_u64);
    {
        let (nav, items, asked) = (p.nav.clone(), items.clone(), asked.clone());
        use_effect_with(((*filter).clone(), p.version), move |(f, _)| {
            let req = f.request();
            let me = {
                let mut a = asked.borrow_mut();
                *a += 1;
                *a
            };
            wasm_bindgen_futures::spawn_local(async move {
                let res = ipc::bank(&nav.token, req).await;
                if *asked.borrow() != me {
                    return; // a newer search has been asked for
                }
                match res {
                    Ok(list) => items.set(Some(list)),
                    Err(e) => nav.check(&e),
                }
            });
        });
    }
    {
        let (nav, catalogue) = (p.nav.clone(), catalogue.clone());
        use_effect_with(p.version, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let all = BankFilter {
                    include_archived: true,
                    ..BankFilter::default()
                };
                if let Ok(list) = ipc::bank(&nav.token, all).await {
                    catalogue.set(list);
                }
            });
        });
    }
    let changed = p.on_changed.clone();
    let set_filter = |f: fn(&mut Filter, String)| {
        let filter = filter.clone();
        move |v: String| {
            let mut next = (*filter).clone();
            f(&mut next, v);
            filter.set(next);
        }
    };
    let on_text = {
        let set = set_filter(|f, v| f.text = v);
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_type = {
        let set = set_filter(|f, v| f.type_name = v);
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_tag = {
        let set = set_filter(|f, v| f.tag = v);
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_archived = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let mut next = (*filter).clone();
            next.archived = e.target_unchecked_into::<HtmlInputElement>().checked();
            filter.set(next);
        })
    };
    let pick_category = {
        let filter = filter.clone();
        Callback::from(move |path: Vec<String>| {
            let mut next = (*filter).clone();
            next.category = path;
            filter.set(next);
        })
    };
    let f = &*filter;
    let visible: Vec<&BankItemDto> = catalogue
        .iter()
        .filter(|i| f.archived || !i.archived)
        .collect();
    let tree = category_tree(visible.iter().map(|i| i.category.as_slice()));
    let tags = all_tags(&catalogue);
    let types = all_types(&catalogue);

    let export_format = use_state(|| "moodle-xml".to_owned());
    let exported = use_state(|| None::<Result<String, String>>);
    let on_export = {
        let (nav, export_format, exported, category) = (
            p.nav.clone(),
            export_format.clone(),
            exported.clone(),
            f.category.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let req = examhall_protocol::bank::ExportBank {
                format: (*export_format).clone(),
                category: category.clone(),
            };
            let (nav, exported) = (nav.clone(), exported.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::cmd::export_bank(&nav.token, req).await {
                    Ok(saved) => exported.set(Some(Ok(saved.path))),
                    Err(e) => {
                        nav.check(&e);
                        exported.set(Some(Err(error_text(&e))));
                    }
                }
            });
        })
    };
    let new_question = {
        let (editing, edit_error, message) = (editing.clone(), edit_error.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let now = js_sys::Date::now();
            editing.set(Some(EditForm::new_of(
                authoring::new_question_id(now),
                crate::question_form::FormType::SingleChoice,
            )));
            edit_error.set(None);
            message.set(None);
        })
    };

    let rows = items.as_ref().map(|list| {
        list.iter()
            .map(|it| {
                let id = it.id;
                let shown = open.contains(&id);
                let toggle = {
                    let open = open.clone();
                    Callback::from(move |_: MouseEvent| {
                        let mut next = (*open).clone();
                        if !next.remove(&id) {
                            next.insert(id);
                        }
                        open.set(next);
                    })
                };
                let duplicate = {
                    let (nav, message, changed) = (p.nav.clone(), message.clone(), changed.clone());
                    Callback::from(move |_: MouseEvent| {
                        let (nav, message, changed) = (nav.clone(), message.clone(), changed.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match ipc::duplicate_bank_question(&nav.token, id).await {
                                Ok(copy) => {
                                    message.set(Some(Ok(ta(
                                        "bank-duplicated",
                                        &[("label", label(&copy).into())],
                                    ))));
                                    changed.emit(());
                                }
                                Err(e) => {
                                    nav.check(&e);
                                    message.set(Some(Err(error_text(&e))));
                                }
                            }
                        });
                    })
                };
                let archive = {
                    let (nav, message, changed, to) =
                        (p.nav.clone(), message.clone(), changed.clone(), !it.archived);
                    let name = label(it);
                    Callback::from(move |_: MouseEvent| {
                        let (nav, message, changed, name) =
                            (nav.clone(), message.clone(), changed.clone(), name.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match ipc::archive_bank_question(&nav.token, id, to).await {
                                Ok(()) => {
                                    let text = if to {
                                        ta("bank-archived-done", &[("label", name.into())])
                                    } else {
                                        ta("bank-restored-done", &[("label", name.into())])
                                    };
                                    message.set(Some(Ok(text)));
                                    changed.emit(());
                                }
                                Err(e) => {
                                    nav.check(&e);
                                    message.set(Some(Err(error_text(&e))));
                                }
                            }
                        });
                    })
                };
                let edit = {
                    let (editing, edit_error, message, form) = (
                        editing.clone(),
                        edit_error.clone(),
                        message.clone(),
                        EditForm::from_item(it),
                    );
                    Callback::from(move |_: MouseEvent| {
                        editing.set(Some(form.clone()));
                        edit_error.set(None);
                        message.set(None);
                    })
                };
                html! {
                    <>
                    <tr class={classes!("bank-row", it.archived.then_some("archived"))} data-bank-id={id.to_string()}>
                        <td>
                            {label(it)}
                            if it.title.is_some() { <div class="muted small">{it.question.id.to_string()}</div> }
                        </td>
                        <td>{type_label(&it.type_name)}</td>
                        <td>{shown_path(&it.category)}</td>
                        <td>{ for it.tags.iter().map(|tg| html! { <span class="pill tag">{tg}</span> }) }</td>
                        <td class="num">{marks(it.marks)}</td>
                        <td>
                            {ta("bank-version", &[("version", it.version.into())])}
                            if it.archived { <div class="muted small">{t("bank-archived")}</div> }
                        </td>
                        <td class="actions">
                            <button type="button" id={format!("bank-preview-{id}")} aria-expanded={shown.to_string()} onclick={toggle}>
                                { if shown { t("bank-hide-preview") } else { t("bank-preview") } }
                            </button>
                            <button type="button" id={format!("bank-duplicate-{id}")} onclick={duplicate}>{t("bank-duplicate")}</button>
                            <button type="button" id={format!("bank-archive-{id}")} onclick={archive}>
                                { if it.archived { t("bank-restore") } else { t("bank-archive") } }
                            </button>
                            <button type="button" id={format!("bank-edit-{id}")} onclick={edit}>{t("bank-edit")}</button>
                        </td>
                    </tr>
                    if shown {
                        <tr class="preview-row"><td colspan="7"><PreviewQuestion question={it.preview.clone()} /></td></tr>
                    }
                    </>
                }
            })
            .collect::<Html>()
    });

    let on_saved = {
        let (editing, message, changed) = (editing.clone(), message.clone(), changed.clone());
        Callback::from(move |(saved, before): (BankItemDto, Option<i64>)| {
            let text = match before {
                Some(v) if saved.version > v => ta(
                    "bank-saved-new-version",
                    &[
                        ("label", label(&saved).into()),
                        ("version", saved.version.into()),
                    ],
                ),
                _ => ta("bank-saved", &[("label", label(&saved).into())]),
            };
            message.set(Some(Ok(text)));
            editing.set(None);
            changed.emit(());
        })
    };
    let before_version = (*editing)
        .as_ref()
        .and_then(|f| f.id)
        .and_then(|id| catalogue.iter().find(|i| i.id == id).map(|i| i.version));

    html! {
        <>
        if let Some(form) = &*editing {
            <EditPanel nav={p.nav.clone()} form={form.clone()} before_version={before_version}
                error={(*edit_error).clone()}
                on_error={{ let e = edit_error.clone(); Callback::from(move |m: Option<String>| e.set(m)) }}
                on_cancel={{ let ed = editing.clone(); Callback::from(move |_: ()| ed.set(None)) }}
                on_saved={on_saved} />
        }
        <section class="card bank" aria-labelledby="bank-heading">
            <div class="bank-head">
                <h2 id="bank-heading">{t("bank-list-title")}</h2>
                <button type="button" id="bank-new" class="primary" onclick={new_question}>{t("bank-new")}</button>
            </div>
            <div class="bank-export" role="group" aria-label={t("bank-export")}>
                <label for="export-format">{t("bank-export")}</label>
                <select id="export-format" onchange={{ let ef = export_format.clone(); Callback::from(move |e: Event| ef.set(e.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                    { for [("moodle-xml", "bank-export-moodle"), ("gift", "bank-export-gift"), ("qti", "bank-export-qti"), ("json", "bank-export-json")].iter().map(|(v, label)| html! {
                        <option value={*v} selected={*export_format == *v}>{t(label)}</option>
                    }) }
                </select>
                <button type="button" id="export-bank" onclick={on_export}>
                    { if f.category.is_empty() { t("bank-export-all") } else { ta("bank-export-category", &[("category", f.category.join(" / ").into())]) } }
                </button>
                { match &*exported {
                    Some(Ok(path)) => html! {
                        <>
                            <p class="saved" id="export-path" role="status">{ta("bank-exported", &[("path", path.clone().into())])}</p>
                            <crate::pages::reports::SaveCopy nav={p.nav.clone()} path={path.clone()} id="save-copy-export" />
                        </>
                    },
                    Some(Err(e)) => html! { <p class="error" id="export-path" role="alert">{e}</p> },
                    None => html! {},
                } }
            </div>
            { match &*message {
                Some(Ok(text)) => html! { <p class="notice" id="bank-message" role="status">{text}</p> },
                Some(Err(text)) => html! { <p class="error" id="bank-message" role="alert">{text}</p> },
                None => html! {},
            } }
            <div class="bank-filters" role="search">
                <label for="bank-search">{t("bank-search")}</label>
                <input id="bank-search" type="search" value={f.text.clone()} oninput={on_text} />
                <label for="bank-type">{t("bank-type")}</label>
                <select id="bank-type" onchange={on_type}>
                    <option value="" selected={f.type_name.is_empty()}>{t("bank-all-types")}</option>
                    { for types.iter().map(|ty| html! {
                        <option value={ty.clone()} selected={*ty == f.type_name}>{type_label(ty)}</option>
                    }) }
                </select>
                <label for="bank-tag">{t("bank-tag")}</label>
                <select id="bank-tag" onchange={on_tag}>
                    <option value="" selected={f.tag.is_empty()}>{t("bank-all-tags")}</option>
                    { for tags.iter().map(|tg| html! {
                        <option value={tg.clone()} selected={*tg == f.tag}>{tg}</option>
                    }) }
                </select>
                <label class="inline-check" for="bank-archived">
                    <input type="checkbox" id="bank-archived" checked={f.archived} onchange={on_archived} />
                    {t("bank-show-archived")}
                </label>
            </div>
            <div class="bank-body">
                <nav class="categories" id="bank-categories" aria-label={t("bank-categories")}>
                    <button type="button" id="bank-cat-all" class={classes!("cat-node", f.category.is_empty().then_some("current"))}
                        aria-pressed={f.category.is_empty().to_string()}
                        onclick={{ let pick = pick_category.clone(); Callback::from(move |_: MouseEvent| pick.emit(Vec::new())) }}>
                        {t("bank-all-categories")}
                    </button>
                    { tree_html(&tree, &f.category, &pick_category) }
                </nav>
                <div class="bank-results">
                    { match &rows {
                        None => html! { <p class="muted">{t("staff-loading")}</p> },
                        Some(rows) => html! {
                            <table class="marks" id="bank-list">
                                <caption class="sr-only">{t("bank-list-title")}</caption>
                                <thead><tr>
                                    <th>{t("bank-col-question")}</th><th>{t("bank-col-type")}</th>
                                    <th>{t("bank-col-category")}</th><th>{t("bank-col-tags")}</th>
                                    <th>{t("bank-col-marks")}</th><th>{t("bank-col-version")}</th><th />
                                </tr></thead>
                                <tbody>{rows.clone()}</tbody>
                            </table>
                        },
                    } }
                    if items.as_ref().is_some_and(|l| l.is_empty()) {
                        <p class="muted" id="bank-empty">{t("bank-empty")}</p>
                    }
                </div>
            </div>
        </section>
        </>
    }
}

// ---- writing and editing ------------------------------------------------------

#[derive(Properties, PartialEq)]
struct EditProps {
    nav: Nav,
    form: EditForm,
    /// The version being edited (to say when saving made a new one).
    before_version: Option<i64>,
    error: Option<String>,
    on_error: Callback<Option<String>>,
    on_cancel: Callback<()>,
    on_saved: Callback<(BankItemDto, Option<i64>)>,
}

#[function_component(EditPanel)]
fn edit_panel(p: &EditProps) -> Html {
    let form = use_state(|| p.form.clone());
    // A different question (or "New question" again) starts the form over.
    {
        let form = form.clone();
        use_effect_with(p.form.clone(), move |f| form.set(f.clone()));
    }
    let busy = use_state(|| false);
    let field = |set: fn(&mut EditForm, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let target = e.target().expect("an input");
            let v = if let Some(t) = wasm_bindgen::JsCast::dyn_ref::<HtmlTextAreaElement>(&target) {
                t.value()
            } else {
                e.target_unchecked_into::<HtmlInputElement>().value()
            };
            let mut next = (*form).clone();
            set(&mut next, v);
            form.set(next);
        })
    };
    let save = {
        let (nav, form, busy, on_error, on_saved, before) = (
            p.nav.clone(),
            form.clone(),
            busy.clone(),
            p.on_error.clone(),
            p.on_saved.clone(),
            p.before_version,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let edit = match form.to_edit() {
                Ok(edit) => edit,
                Err(problem) => {
                    on_error.emit(Some(match problem {
                        EditProblem::QuestionId(x) => ta("bank-bad-id", &[("text", x.into())]),
                        EditProblem::Marks(x) => ta("bank-bad-marks", &[("text", x.into())]),
                        EditProblem::Kind(why) => ta("bank-bad-kind", &[("reason", why.into())]),
                        EditProblem::Field(p) => {
                            ta("bank-bad-field", &[("message", p.message.into())])
                        }
                        EditProblem::Penalty(x) => ta("bank-bad-penalty", &[("text", x.into())]),
                    }));
                    return;
                }
            };
            let (nav, busy, on_error, on_saved) = (
                nav.clone(),
                busy.clone(),
                on_error.clone(),
                on_saved.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let res = ipc::save_bank_question(&nav.token, edit).await;
                busy.set(false);
                match res {
                    Ok(saved) => {
                        on_error.emit(None);
                        on_saved.emit((saved, before));
                    }
                    Err(e) => {
                        nav.check(&e);
                        on_error.emit(Some(error_text(&e)));
                    }
                }
            });
        })
    };
    let f = &*form;
    let heading = if f.id.is_some() {
        ta("bank-edit-title", &[("id", f.question_id.clone().into())])
    } else {
        t("bank-new-title")
    };
    html! {
        <section class="card edit-panel" aria-labelledby="edit-heading">
            <h2 id="edit-heading">{heading}</h2>
            <form id="edit-form" onsubmit={save}>
                <div class="two-col">
                    <div class="col">
                        <label for="edit-question-id">{t("bank-field-id")}</label>
                        <input id="edit-question-id" value={f.question_id.clone()} oninput={field(|f, v| f.question_id = v)} />
                        <label for="edit-title">{t("bank-field-title")}</label>
                        <input id="edit-title" value={f.title.clone()} oninput={field(|f, v| f.title = v)} />
                        <label for="edit-category">{t("bank-field-category")}</label>
                        <input id="edit-category" placeholder="maths/algebra/linear" value={f.category.clone()} oninput={field(|f, v| f.category = v)} />
                        <label for="edit-tags">{t("bank-field-tags")}</label>
                        <input id="edit-tags" value={f.tags.clone()} oninput={field(|f, v| f.tags = v)} />
                        <label for="edit-marks">{t("bank-field-marks")}</label>
                        <input id="edit-marks" class="mark-input" inputmode="decimal" value={f.marks.clone()} oninput={field(|f, v| f.marks = v)} />
                        <label for="edit-prompt">{t("bank-field-prompt")}</label>
                        <textarea id="edit-prompt" rows="4" value={f.prompt.clone()} oninput={field(|f, v| f.prompt = v)} />
                    </div>
                    <div class="col">
                        <crate::pages::question_editor::KeyEditor form={f.clone()}
                            on_change={{ let form = form.clone(); Callback::from(move |next: EditForm| form.set(next)) }} />
                    </div>
                </div>
                if let Some(e) = &p.error { <p class="error" role="alert" id="edit-error">{e}</p> }
                <div class="controls">
                    <button type="submit" id="edit-save" class="primary" disabled={*busy}>{t("bank-save")}</button>
                    <button type="button" id="edit-cancel" onclick={{ let c = p.on_cancel.clone(); Callback::from(move |_: MouseEvent| c.emit(())) }}>{t("bank-cancel")}</button>
                </div>
            </form>
        </section>
    }
}
