use crate::i18n::{number, t, ta};
use crate::ipc;
use crate::pages::regrade::KeyCorrectionPanel;
use crate::pages::reports::ReportsPanel;
use crate::richtext::{plain, Flow, RichText};
use crate::state::Screen;
use crate::Nav;
use examhall_protocol::ExamAnalysisDto;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    pub exam_id: i64,
}

fn opt(v: Option<f64>, digits: u32) -> String {
    v.map_or_else(|| t("analysis-not-available"), |v| number(v, digits))
}

/// A percentage with `digits` decimals, as the language writes it.
fn pct(x: f64, digits: u32) -> String {
    ta("analysis-percent", &[("percent", number(x, digits).into())])
}

/// A bin edge without a needless ".0".
fn short(x: f64) -> String {
    if x.fract() == 0.0 {
        number(x, 0)
    } else {
        number(x, 1)
    }
}

/// Mean and pass rate per sitting as an SVG line chart (0–100%).
fn trend_chart(points: &[examhall_protocol::TrendPointDto]) -> Html {
    let (w, h, pad) = (640.0_f64, 220.0_f64, 36.0_f64);
    let n = points.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            w / 2.0
        } else {
            pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64
        }
    };
    let y = |pct: f64| h - pad - (h - 2.0 * pad) * pct.clamp(0.0, 100.0) / 100.0;
    let line = |f: fn(&examhall_protocol::TrendPointDto) -> f64| {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(f(p))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let grid = [0.0, 25.0, 50.0, 75.0, 100.0].map(|g| {
        html! {
            <g>
                <line x1={pad.to_string()} x2={(w - pad).to_string()} y1={y(g).to_string()} y2={y(g).to_string()} class="grid" />
                <text x={(pad - 6.0).to_string()} y={(y(g) + 4.0).to_string()} text-anchor="end" class="axis">{pct(g, 0)}</text>
            </g>
        }
    });
    let marks = points.iter().enumerate().map(|(i, p)| {
        html! {
            <g>
                <circle cx={x(i).to_string()} cy={y(p.mean_pct).to_string()} r="4" class="mean"><title>{ta("analysis-trend-mean", &[("sitting", p.sitting_id.into()), ("opened", p.opened_at.clone().into()), ("mean", number(p.mean_pct, 1).into()), ("count", p.attempts.into())])}</title></circle>
                <circle cx={x(i).to_string()} cy={y(p.pass_rate_pct).to_string()} r="4" class="pass"><title>{ta("analysis-trend-pass-rate", &[("sitting", p.sitting_id.into()), ("rate", number(p.pass_rate_pct, 1).into())])}</title></circle>
                <text x={x(i).to_string()} y={(h - pad + 16.0).to_string()} text-anchor="middle" class="axis">{format!("#{}", p.sitting_id)}</text>
            </g>
        }
    });
    html! {
        <svg id="trend-chart" class="trend" viewBox={format!("0 0 {w} {h}")} role="img"
             aria-label={t("analysis-trend-label")}>
            { for grid }
            <polyline points={line(|p| p.mean_pct)} class="mean" />
            <polyline points={line(|p| p.pass_rate_pct)} class="pass" />
            { for marks }
        </svg>
    }
}

/// Exam statistics: summary figures, a histogram of totals, and the item table.
#[function_component(AnalysisPage)]
pub fn analysis_page(p: &Props) -> Html {
    let data = use_state(|| None::<Result<ExamAnalysisDto, String>>);
    // Bumped to reload the figures (after a key correction).
    let reload = use_state(|| 0u32);
    {
        let (data, nav, id) = (data.clone(), p.nav.clone(), p.exam_id);
        use_effect_with((p.exam_id, *reload), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::exam_analysis(&nav.token, id).await {
                    Ok(a) => data.set(Some(Ok(a))),
                    Err(e) => {
                        nav.check(&e);
                        data.set(Some(Err(e.message)));
                    }
                }
            });
        });
    }
    let back = {
        let nav = p.nav.clone();
        Callback::from(move |_| nav.go(Screen::Staff))
    };
    let body = match &*data {
        None => html! { <p class="muted">{t("analysis-computing")}</p> },
        Some(Err(e)) => html! { <p class="error" id="analysis-error" role="alert">{e}</p> },
        Some(Ok(a)) => {
            let figure = |id: &str, label: String, value: String| {
                html! {
                    <div class="figure"><span class="label">{label}</span><span class="value" id={id.to_owned()}>{value}</span></div>
                }
            };
            let peak = a
                .histogram
                .iter()
                .map(|b| b.count)
                .max()
                .unwrap_or(1)
                .max(1);
            let bars = a.histogram.iter().map(|b| {
                let h = 100.0 * b.count as f64 / peak as f64;
                html! {
                    <div class="bin" title={ta("analysis-bin-title", &[("from", number(b.from, 1).into()), ("to", number(b.to, 1).into()), ("count", b.count.into())])}>
                        <span class="count">{b.count}</span>
                        <div class="bar" style={format!("height: {h:.0}%")} />
                        <span class="range">{format!("{}–{}", short(b.from), short(b.to))}</span>
                    </div>
                }
            });
            let rows = a.items.iter().enumerate().map(|(i, it)| {
                html! {
                    <tr class={classes!((!it.flags.is_empty()).then_some("flagged-row"))}>
                        <td>{i + 1}</td>
                        <td class="rich"><RichText text={it.prompt.clone()} flow={Flow::Inline} /></td>
                        <td class="num">{pct(it.facility, 1)}</td>
                        <td class="num">{pct(it.sd, 1)}</td>
                        <td class="num">{opt(it.discrimination_index, 1)}</td>
                        <td class="num">{opt(it.discriminative_efficiency, 1)}</td>
                        <td class="flags">{it.flags.join("; ")}</td>
                    </tr>
                }
            });
            let distractors = a.items.iter().enumerate().filter_map(|(i, it)| {
                let rows = it.distractors.as_ref()?;
                let trs = rows.iter().map(|r| html! {
                    <tr class={classes!(r.is_key.then_some("key-row"))}>
                        <td class="rich"><RichText text={r.option_text.clone()} flow={Flow::Inline} />{ if r.is_key { " ✓" } else { "" } }</td>
                        <td class="num">{pct(r.top_pct, 0)}</td>
                        <td class="num">{pct(r.bottom_pct, 0)}</td>
                        <td class="num">{pct(r.all_pct, 0)}</td>
                    </tr>
                });
                Some(html! {
                    <table class="marks distractor">
                        <caption>{format!("{}. {}", i + 1, plain(&it.prompt))}</caption>
                        <thead><tr><th>{t("analysis-option-key")}</th><th>{t("analysis-top-group")}</th><th>{t("analysis-bottom-group")}</th><th>{t("analysis-everyone")}</th></tr></thead>
                        <tbody>{ for trs }</tbody>
                    </table>
                })
            });
            html! {
                <>
                    <h1 id="analysis-title">{ta("analysis-title", &[("exam", a.exam_title.clone().into())])}</h1>
                    <div class="figures">
                        {figure("stat-attempts", t("analysis-graded-attempts"), a.attempts.to_string())}
                        {figure("stat-mean", t("analysis-mean"), format!("{} / {}", number(a.mean, 2), a.max_possible))}
                        {figure("stat-median", t("analysis-median"), number(a.median, 2))}
                        {figure("stat-sd", t("analysis-sd-long"), number(a.sd, 2))}
                        {figure("stat-range", t("analysis-range"), format!("{} – {}", a.min, a.max))}
                        {figure("stat-pass-rate", t("analysis-pass-rate"), ta("analysis-pass-rate-value", &[("rate", number(a.pass_rate_pct, 1).into()), ("mark", a.pass_mark_pct.to_string().into())]))}
                        {figure("stat-skewness", t("analysis-skewness"), opt(a.skewness, 3))}
                        {figure("stat-kurtosis", t("analysis-kurtosis"), opt(a.kurtosis, 3))}
                        {figure("stat-alpha", t("analysis-alpha"), opt(a.alpha, 3))}
                        {figure("stat-error-ratio", t("analysis-error-ratio"), opt(a.error_ratio, 1))}
                        {figure("stat-se", t("analysis-standard-error"), opt(a.standard_error, 2))}
                    </div>
                    if a.provisional > 0 {
                        <p class="notice">{ta("analysis-provisional", &[("count", a.provisional.into())])}</p>
                    }
                    <h2>{t("analysis-distribution")}</h2>
                    <div class="histogram" id="histogram" role="img" aria-label={t("analysis-histogram-label")}>{ for bars }</div>
                    <h2>{t("analysis-by-sitting")}</h2>
                    <p class="legend"><span class="key mean">{t("analysis-legend-mean")}</span>{" "}<span class="key pass">{t("analysis-legend-pass-rate")}</span></p>
                    {trend_chart(&a.trend)}
                    <h2>{t("analysis-items")}</h2>
                    <table class="marks" id="items-table">
                        <thead><tr><th>{"#"}</th><th>{t("analysis-question")}</th><th>{t("analysis-facility")}</th><th>{t("analysis-sd")}</th><th>{t("analysis-discrimination")}</th><th>{t("analysis-efficiency")}</th><th>{t("analysis-flags")}</th></tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                    <h2>{ta("analysis-distractors-title", &[("count", a.distractor_group_size.into())])}</h2>
                    <div id="distractors">{ for distractors }</div>
                    <ReportsPanel nav={p.nav.clone()} exam_id={p.exam_id} />
                    <KeyCorrectionPanel nav={p.nav.clone()} exam_id={p.exam_id}
                        on_applied={{ let reload = reload.clone(); Callback::from(move |_| reload.set(*reload + 1)) }} />
                </>
            }
        }
    };
    html! {
        <section class="card">
            {body}
            <button id="back-to-staff" onclick={back}>{t("analysis-back")}</button>
        </section>
    }
}
