//! Moodle's published reference case, reproduced to 1e-6.

use examhall_analytics::{analyse, CsvOptions, ScoreMatrix};

fn reference() -> examhall_analytics::Analysis {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/moodle-results00.csv"
    );
    let opts = CsvOptions {
        id_column: Some("quizattempt".into()),
        total_column: Some("summarks".into()),
        max: None,
    };
    let m = ScoreMatrix::from_csv(
        std::fs::File::open(path).unwrap(),
        "moodle-results00.csv",
        &opts,
    )
    .unwrap();
    assert_eq!((m.attempts(), m.items.len()), (25, 7));
    analyse(&m, 50.0, 7).unwrap()
}

fn close(name: &str, got: Option<f64>, want: f64) {
    let got = got.unwrap_or_else(|| panic!("{name} is undefined"));
    assert!(
        (got - want).abs() < 1e-6,
        "{name}: got {got}, Moodle says {want}"
    );
}

#[test]
fn quiz_level_figures_match_moodle() {
    let a = reference();
    let s = &a.summary;
    close("median", Some(s.median), 4.5);
    close("mean", Some(s.mean), 4.617333332);
    close("standard deviation", Some(s.sd), 0.8117265554);
    close("skewness", s.skewness, -0.092502502);
    close("kurtosis", s.kurtosis, -0.7073968557);
    close(
        "coefficient of internal consistency",
        a.reliability.coefficient_of_internal_consistency,
        -87.2230935542,
    );
    close("error ratio", a.reliability.error_ratio, 136.8294900795);
    close("standard error", a.reliability.standard_error, 1.1106813066);
}

#[test]
fn item_figures_follow_the_documented_formulas() {
    // Recomputed here directly from the CSV with plain loops, independently of polars.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/moodle-results00.csv"
    ))
    .unwrap();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .skip(1)
                .take(7)
                .map(|x| x.parse().unwrap())
                .collect()
        })
        .collect();
    let n = rows.len() as f64;
    let a = reference();
    for (i, item) in a.items.iter().enumerate() {
        let x: Vec<f64> = rows.iter().map(|r| r[i]).collect();
        let rest: Vec<f64> = rows.iter().map(|r| r.iter().sum::<f64>() - r[i]).collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / n;
        let (mx, mr) = (mean(&x), mean(&rest));
        let cov = |a: &[f64], ma: f64, b: &[f64], mb: f64| {
            a.iter()
                .zip(b)
                .map(|(p, q)| (p - ma) * (q - mb))
                .sum::<f64>()
                / (n - 1.0)
        };
        let r = cov(&x, mx, &rest, mr)
            / (cov(&x, mx, &x, mx).sqrt() * cov(&rest, mr, &rest, mr).sqrt());
        close(
            &format!("{} facility", item.item),
            Some(item.facility),
            100.0 * mx,
        );
        close(
            &format!("{} discrimination", item.item),
            item.discrimination_index,
            100.0 * r,
        );
        let (mut xs, mut rs) = (x.clone(), rest.clone());
        xs.sort_by(f64::total_cmp);
        rs.sort_by(f64::total_cmp);
        let eff = 100.0 * cov(&x, mx, &rest, mr) / cov(&xs, mx, &rs, mr);
        close(
            &format!("{} efficiency", item.item),
            item.discriminative_efficiency,
            eff,
        );
    }
    assert_eq!(
        a.histogram.iter().map(|b| b.count).sum::<usize>(),
        25,
        "every attempt is in one bin"
    );
    assert!(
        a.items.iter().any(|i| !i.flags.is_empty()),
        "random data produces flagged items"
    );
}
