fn main() {
    // The config lives at the top of the repository, beside Cargo.toml.
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri build script failed");
}
