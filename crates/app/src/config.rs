//! A lab machine's configuration file (TOML), read once at start.
//!
//! A centre's technician writes one file per lab image (default
//! `/etc/examhall/desktop.toml`, or `--config FILE` / `EXAMHALL_CONFIG`); command-line
//! flags and environment variables override it key by key. Everything is checked
//! before the app opens anything: an unknown key, a value of the wrong kind or a
//! value that cannot work (a relative path, a hub address that is not a URL) stops
//! the start with the file, the line and the key named.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Where the desktop looks when neither `--config` nor `EXAMHALL_CONFIG` names a file.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/examhall/desktop.toml";

/// The checked contents of a configuration file. Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MachineConfig {
    /// Where the database, keys and printed reports live.
    pub data_dir: Option<PathBuf>,
    /// A folder watched for exam packages (a mounted USB stick).
    pub inbox: Option<PathBuf>,
    /// The folder results are exported to for a USB stick.
    pub outbox: Option<PathBuf>,
    /// Serve as the room hub on this address.
    pub serve: Option<SocketAddr>,
    /// The room hub (or HQ) this machine follows.
    pub hub: Option<String>,
    /// A one-time enrolment token for the first start.
    pub enrolment_token: Option<String>,
    /// This machine's name on the invigilator's console.
    pub seat_name: Option<String>,
    /// The centre this machine belongs to; checked against its enrolment.
    pub centre: Option<String>,
    /// A candidate's lab seat: the window can only sign candidates in and run exams.
    pub lab_seat: Option<bool>,
    /// Seed the demo centre into an empty database.
    pub demo: Option<bool>,
    /// Plain HTTP for the hub link and the served hub: a closed lab LAN only.
    pub allow_plain_http: Option<bool>,
}

/// A configuration file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read the configuration file {file}: {message}")]
    Unreadable { file: String, message: String },
    #[error("{file}, line {line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        /// The key at fault, when one is (`None` for a syntax error).
        field: Option<String>,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    data_dir: Option<Spanned<String>>,
    inbox: Option<Spanned<String>>,
    outbox: Option<Spanned<String>>,
    serve: Option<Spanned<String>>,
    hub: Option<Spanned<String>>,
    enrolment_token: Option<Spanned<String>>,
    seat_name: Option<Spanned<String>>,
    centre: Option<Spanned<String>>,
    lab_seat: Option<bool>,
    demo: Option<bool>,
    allow_plain_http: Option<bool>,
}

/// Reads and checks a configuration file.
pub fn load(path: &Path) -> Result<MachineConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Unreadable {
        file: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse(&path.display().to_string(), &text)
}

/// Checks a configuration file's text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<MachineConfig, ConfigError> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(s.start)).unwrap_or(1);
        // toml names the key in its message ("unknown field `x`, expected …").
        let field = e
            .message()
            .split('`')
            .nth(1)
            .filter(|_| e.message().starts_with("unknown field"))
            .map(str::to_owned);
        ConfigError::Invalid {
            file: file.to_owned(),
            line,
            field,
            message: e.message().trim().to_owned(),
        }
    })?;
    let bad = |field: &str, at: &Spanned<String>, message: String| ConfigError::Invalid {
        file: file.to_owned(),
        line: line_of(at.span().start),
        field: Some(field.to_owned()),
        message: format!("{field}: {message}"),
    };
    let folder = |field: &str, v: &Option<Spanned<String>>| -> Result<_, ConfigError> {
        match v {
            None => Ok(None),
            Some(s) => {
                let p = PathBuf::from(s.get_ref().trim());
                if !p.is_absolute() {
                    return Err(bad(
                        field,
                        s,
                        format!(
                            "\"{}\" is not an absolute path (write it from /)",
                            s.get_ref()
                        ),
                    ));
                }
                if p.exists() && !p.is_dir() {
                    return Err(bad(
                        field,
                        s,
                        format!("{} exists and is not a folder", p.display()),
                    ));
                }
                Ok(Some(p))
            }
        }
    };
    let text_value = |field: &str, v: &Option<Spanned<String>>, max: usize| {
        v.as_ref()
            .map(|s| short_text(s.get_ref(), max).map_err(|m| bad(field, s, m)))
            .transpose()
    };
    let serve = raw
        .serve
        .as_ref()
        .map(|s| serve_address(s.get_ref()).map_err(|m| bad("serve", s, m)))
        .transpose()?;
    let hub = raw
        .hub
        .as_ref()
        .map(|s| hub_address(s.get_ref()).map_err(|m| bad("hub", s, m)))
        .transpose()?;
    let centre = raw
        .centre
        .as_ref()
        .map(|s| centre_id(s.get_ref()).map_err(|m| bad("centre", s, m)))
        .transpose()?;
    Ok(MachineConfig {
        data_dir: folder("data_dir", &raw.data_dir)?,
        inbox: folder("inbox", &raw.inbox)?,
        outbox: folder("outbox", &raw.outbox)?,
        serve,
        hub,
        enrolment_token: text_value("enrolment_token", &raw.enrolment_token, 200)?,
        seat_name: text_value("seat_name", &raw.seat_name, 100)?,
        centre,
        lab_seat: raw.lab_seat,
        demo: raw.demo,
        allow_plain_http: raw.allow_plain_http,
    })
}

/// A hub's address: `http://` or `https://` and a host (a trailing `/` dropped).
/// The same check for the file's `hub` and for `--hub` / `EXAMHALL_HUB`.
pub fn hub_address(raw: &str) -> Result<String, String> {
    let v = raw.trim().trim_end_matches('/');
    match v
        .strip_prefix("http://")
        .or_else(|| v.strip_prefix("https://"))
    {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(v.to_owned()),
        _ => Err(format!(
            "\"{raw}\" is not an http:// or https:// address such as http://10.0.0.2:8000"
        )),
    }
}

/// An address and port to serve on.
pub fn serve_address(raw: &str) -> Result<SocketAddr, String> {
    raw.trim()
        .parse()
        .map_err(|_| format!("\"{raw}\" is not an address and port such as 0.0.0.0:8000"))
}

/// The centre id HQ issued: 1 to 64 letters, digits, '-' or '_'.
pub fn centre_id(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    let ok = !v.is_empty()
        && v.len() <= 64
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| v.to_owned())
        .ok_or_else(|| "1 to 64 letters, digits, '-' or '_' (the centre id HQ issued)".into())
}

/// Trimmed text of 1 to `max` characters.
pub fn short_text(raw: &str, max: usize) -> Result<String, String> {
    let t = raw.trim();
    if t.is_empty() || t.chars().count() > max {
        Err(format!("1 to {max} characters"))
    } else {
        Ok(t.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(text: &str) -> (usize, Option<String>, String) {
        match parse("lab.toml", text) {
            Err(ConfigError::Invalid {
                file,
                line,
                field,
                message,
            }) => {
                assert_eq!(file, "lab.toml");
                (line, field, message)
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_file_is_read() {
        let c = parse(
            "lab.toml",
            "# lab 3\ndata_dir = \"/var/lib/examhall\"\ninbox = \"/media/usb/in\"\noutbox = \"/media/usb/out\"\n\
             hub = \"http://10.0.0.2:8000/\"\nenrolment_token = \"abc\"\nseat_name = \"Lab 3 seat 14\"\n\
             centre = \"north-lab\"\nlab_seat = true\nserve = \"0.0.0.0:8000\"\nallow_plain_http = true\n",
        )
        .unwrap();
        assert_eq!(c.data_dir, Some(PathBuf::from("/var/lib/examhall")));
        assert_eq!(c.outbox, Some(PathBuf::from("/media/usb/out")));
        assert_eq!(c.hub.as_deref(), Some("http://10.0.0.2:8000"));
        assert_eq!(c.allow_plain_http, Some(true));
        assert_eq!(c.seat_name.as_deref(), Some("Lab 3 seat 14"));
        assert_eq!(c.centre.as_deref(), Some("north-lab"));
        assert_eq!(c.lab_seat, Some(true));
        assert_eq!(c.serve, Some("0.0.0.0:8000".parse().unwrap()));
        assert_eq!(parse("empty.toml", "").unwrap(), MachineConfig::default());
    }

    #[test]
    fn errors_name_the_line_and_the_key() {
        let (line, field, msg) = invalid("seat_name = \"a\"\n\nhub = \"10.0.0.2:8000\"\n");
        assert_eq!((line, field.as_deref()), (3, Some("hub")));
        assert!(msg.contains("http://"), "{msg}");

        let (line, field, _) = invalid("\ndata_dir = \"var/lib/examhall\"\n");
        assert_eq!((line, field.as_deref()), (2, Some("data_dir")));

        let (line, field, msg) = invalid("lab_seat = true\nhubb = \"http://x\"\n");
        assert_eq!((line, field.as_deref()), (2, Some("hubb")));
        assert!(msg.contains("unknown field"), "{msg}");

        let (line, _, _) = invalid("lab_seat = \"yes\"\n");
        assert_eq!(line, 1);

        let (line, field, _) = invalid("serve = \"everywhere\"\n");
        assert_eq!((line, field.as_deref()), (1, Some("serve")));

        let (line, field, _) = invalid("centre = \"north lab\"\n");
        assert_eq!((line, field.as_deref()), (1, Some("centre")));

        let (line, field, _) = invalid("seat_name = \"  \"\n");
        assert_eq!((line, field.as_deref()), (1, Some("seat_name")));

        let (line, field, _) = invalid("a = [\n");
        assert_eq!((line, field), (1, None));
    }

    #[test]
    fn flags_get_the_same_checks_as_the_file() {
        assert_eq!(
            hub_address(" https://hub.lab/ ").unwrap(),
            "https://hub.lab"
        );
        assert!(hub_address("hub.lab:8000").unwrap_err().contains("http://"));
        assert!(hub_address("http://").is_err());
        assert_eq!(centre_id("north_2").unwrap(), "north_2");
        assert!(centre_id("north lab").is_err());
        assert!(short_text(&"x".repeat(101), 100).is_err());
        assert!(serve_address("0.0.0.0:8000").is_ok() && serve_address("8000").is_err());
    }

    #[test]
    fn a_folder_that_is_a_file_is_refused_and_a_missing_file_is_named() {
        let dir = std::env::temp_dir().join(format!("examhall-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("not-a-folder");
        std::fs::write(&file, "x").unwrap();
        let (_, field, msg) = invalid(&format!("inbox = \"{}\"\n", file.display()));
        assert_eq!(field.as_deref(), Some("inbox"));
        assert!(msg.contains("not a folder"), "{msg}");
        let missing = dir.join("missing.toml");
        match load(&missing) {
            Err(ConfigError::Unreadable { file, .. }) => {
                assert_eq!(file, missing.display().to_string())
            }
            other => panic!("{other:?}"),
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
