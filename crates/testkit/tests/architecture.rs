//! Fails when the dependency direction of DESIGN.md breaks: everything points
//! toward `domain`; only `src-tauri` imports tauri, only `ui` imports yew, only
//! `store` talks SQL; the domain does no IO and reads no clock.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// package name -> names of its normal (non-dev, non-build) dependencies.
fn dependency_graph() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut graph = BTreeMap::new();
    for p in meta["packages"].as_array().unwrap() {
        let deps = p["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"].is_null())
            .map(|d| d["name"].as_str().unwrap().to_owned())
            .collect();
        graph.insert(p["name"].as_str().unwrap().to_owned(), deps);
    }
    graph
}

#[test]
fn internal_dependencies_point_toward_the_domain() {
    let graph = dependency_graph();
    // Which workspace crates each crate may depend on.
    let allowed: &[(&str, &[&str])] = &[
        ("examhall-domain", &[]),
        ("examhall-protocol", &["examhall-domain"]),
        ("examhall-store", &["examhall-domain"]),
        ("examhall-analytics", &[]),
        ("examhall-formats", &["examhall-domain"]),
        ("examhall-sync", &["examhall-domain", "examhall-protocol"]),
        (
            "examhall-reports",
            &["examhall-protocol", "examhall-domain"],
        ),
        (
            "examhall-app",
            &[
                "examhall-domain",
                "examhall-protocol",
                "examhall-store",
                "examhall-analytics",
                "examhall-reports",
                "examhall-sync",
                "examhall-formats",
            ],
        ),
        ("examhall-testkit", &["examhall-domain", "examhall-store"]),
        ("examhall-server", &["examhall-app", "examhall-protocol"]),
        (
            "examhall-cli",
            &[
                "examhall-app",
                "examhall-server",
                "examhall-formats",
                "examhall-domain",
            ],
        ),
        (
            "examhall-desktop",
            &[
                "examhall-app",
                "examhall-protocol",
                "examhall-server",
                "examhall-store",
            ],
        ),
    ];
    assert_eq!(
        graph.len(),
        allowed.len(),
        "every workspace crate has a rule here: {:?}",
        graph.keys()
    );
    for (krate, ok) in allowed {
        let deps = graph
            .get(*krate)
            .unwrap_or_else(|| panic!("{krate} is in the workspace"));
        for d in deps.iter().filter(|d| d.starts_with("examhall-")) {
            assert!(ok.contains(&d.as_str()), "{krate} must not depend on {d}");
        }
    }
}

#[test]
fn frameworks_stay_in_their_own_crate() {
    let graph = dependency_graph();
    let owners: &[(&str, &str)] = &[
        ("tauri", "examhall-desktop"),
        ("sqlx", "examhall-store"),
        ("sea-orm", "examhall-store"),
        ("yew", "examhall-ui"),
        ("polars", "examhall-analytics"),
        ("printpdf", "examhall-reports"),
        ("axum", "examhall-server"),
        ("reqwest", "examhall-sync"),
        ("notify", "examhall-sync"),
        ("ed25519-dalek", "examhall-sync"),
        ("chacha20poly1305", "examhall-sync"),
    ];
    for (framework, owner) in owners {
        for (krate, deps) in &graph {
            if deps.contains(*framework) {
                assert_eq!(krate, owner, "only {owner} may depend on {framework}");
            }
        }
    }
    for f in [
        "tokio", "sqlx", "tauri", "yew", "reqwest", "axum", "rand", "chrono",
    ] {
        assert!(
            !graph["examhall-domain"].contains(f),
            "the domain is pure: no {f}"
        );
    }
    for f in ["tokio", "sqlx", "tauri"] {
        assert!(
            !graph["examhall-protocol"].contains(f),
            "protocol builds for wasm32: no {f}"
        );
    }
    // The UI is its own workspace (wasm32): it may know the protocol and nothing else of ours.
    let ui = std::fs::read_to_string(root().join("ui/Cargo.toml")).unwrap();
    let ours: Vec<&str> = ui.lines().filter(|l| l.starts_with("examhall-")).collect();
    assert_eq!(
        ours.len(),
        1,
        "the UI depends on exactly one workspace crate: {ours:?}"
    );
    assert!(
        ours[0].starts_with("examhall-protocol"),
        "the UI may only depend on the protocol: {}",
        ours[0]
    );
}

#[test]
fn the_domain_does_no_io_and_reads_no_clock() {
    let dir = root().join("crates/domain/src");
    let forbidden = [
        "std::fs",
        "std::net",
        "std::process",
        "SystemTime",
        "Instant::now",
        "tokio",
        "thread::sleep",
        "std::env",
    ];
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for f in forbidden {
            assert!(
                !text.contains(f),
                "{} uses {f}: the domain is pure",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 5, "found the domain's sources ({checked} files)");
}

/// The desktop's command list, its Tauri permission manifest and its permission
/// sets agree: every registered command is declared, and each is in exactly one
/// of the `candidate` and `staff` sets (so a new command cannot slip into the lab
/// seat's window, or out of every window, unnoticed).
#[test]
fn every_desktop_command_has_exactly_one_permission_set() {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap();
    // The shell registers exactly the command table (`commands::handler` is
    // generated from it), so the table is the list of registered commands.
    let handler = read("src-tauri/src/commands.rs");
    assert!(handler.contains("examhall_protocol::ui_commands!(tauri_commands)"));
    let registered: BTreeSet<String> = examhall_protocol::commands::UI_COMMANDS
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let build = read("src-tauri/build.rs");
    let declared: BTreeSet<String> = build
        .lines()
        .filter_map(|l| {
            let t = l.trim();
            t.strip_prefix('"')
                .and_then(|r| r.strip_suffix("\","))
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(
        registered, declared,
        "build.rs declares the registered commands"
    );
    let sets = read("src-tauri/permissions/sets.toml");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for line in sets.lines() {
        if let Some(p) = line.trim().strip_prefix("\"allow-") {
            let name = p.trim_end_matches(['"', ',']).replace('-', "_");
            *seen.entry(name).or_default() += 1;
        }
    }
    for c in &registered {
        assert_eq!(
            seen.get(c),
            Some(&1),
            "{c} must be in exactly one permission set"
        );
    }
    assert_eq!(
        seen.len(),
        registered.len(),
        "no set names an unknown command"
    );
    // The lab seat's window gets the candidate set only.
    let seat = read("src-tauri/capabilities/seat.json");
    assert!(seat.contains("\"candidate\"") && !seat.contains("\"staff\""));
}
