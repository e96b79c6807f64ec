//! The staff UI in a browser (issue 18): the same Yew bundle the desktop
//! embeds, served at `/`, and its commands over HTTP at `POST /api/ui/{name}/`.
//!
//! The routes come from the one command table (`examhall_protocol::ui_commands!`):
//! a command's body is the table's request as JSON (`null` when it has none),
//! its answer the table's reply, and its errors the API's `ErrorDto`, exactly
//! what the desktop's Tauri command takes and gives. The caller's session token
//! travels as `Authorization: Bearer`; the browser keeps it in memory only, so
//! no cookie exists for another site to ride on. The candidate's exam and the
//! shell's own commands answer 403: they stay on the lab desktop.
//!
//! The bundle is read from a folder once, at start, and kept in memory with a
//! gzip copy of each file. Every page gets a Content-Security-Policy that
//! allows only the server's own assets (nothing remote: a lab LAN has no
//! internet).

use crate::{ApiError, Reply};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use examhall_app::reports::Report;
use examhall_app::{App, AppError};
use examhall_protocol::ErrorCode;
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::OnceLock;

/// The policy every UI response carries: the app's own scripts (and its
/// WebAssembly), styles and images; calls to this server only; no frames, no
/// forms posted elsewhere, no plugins.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One file of the bundle, as served.
struct Asset {
    content_type: &'static str,
    plain: Bytes,
    gzip: Bytes,
}

/// The UI bundle: file name to file.
pub struct Bundle {
    files: HashMap<String, Asset>,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("files", &self.files.keys().collect::<Vec<_>>())
            .finish()
    }
}

static BUNDLE: OnceLock<Bundle> = OnceLock::new();

fn content_type(name: &str) -> Option<&'static str> {
    Some(match name.rsplit_once('.')?.1 {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

impl Bundle {
    /// Reads the files of `dir` (its top level: the built `ui/dist`). It must
    /// hold `index.html`.
    pub fn load(dir: &std::path::Path) -> std::io::Result<Bundle> {
        let mut files = HashMap::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(ct) = content_type(name) else {
                continue;
            };
            if !path.is_file() {
                continue;
            }
            let plain = std::fs::read(&path)?;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(&plain)?;
            files.insert(
                name.to_owned(),
                Asset {
                    content_type: ct,
                    plain: Bytes::from(plain),
                    gzip: Bytes::from(gz.finish()?),
                },
            );
        }
        if !files.contains_key("index.html") {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{}: no index.html (build the UI first)", dir.display()),
            ));
        }
        Ok(Bundle { files })
    }

    /// The compressed size of the WebAssembly, in bytes (for the benchmark).
    pub fn wasm_gzip_bytes(&self) -> u64 {
        self.files
            .iter()
            .filter(|(n, _)| n.ends_with(".wasm"))
            .map(|(_, a)| a.gzip.len() as u64)
            .sum()
    }
}

/// Serves `bundle` at `/` from now on (once per process; later calls keep the
/// first bundle).
pub fn install(bundle: Bundle) -> &'static Bundle {
    BUNDLE.get_or_init(|| bundle)
}

fn secured(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

fn asset(name: &str, headers: &HeaderMap) -> Response {
    let Some(bundle) = BUNDLE.get() else {
        return secured(
            (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "This Examhall server serves no UI (start it with --ui DIR, the built ui/dist).",
            )
                .into_response(),
        );
    };
    let Some(a) = bundle.files.get(name) else {
        return secured(
            (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "No such file.",
            )
                .into_response(),
        );
    };
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let mut resp = if gzip {
        (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CONTENT_ENCODING, "gzip"),
            ],
            a.gzip.clone(),
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, a.content_type)], a.plain.clone()).into_response()
    };
    let h = resp.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    secured(resp)
}

/// `GET /`: the UI's page.
pub(crate) async fn index(headers: HeaderMap) -> Response {
    asset("index.html", &headers)
}

/// `GET /{file}`: one file of the bundle.
pub(crate) async fn file(Path(name): Path<String>, headers: HeaderMap) -> Response {
    asset(&name, &headers)
}

fn decode<T: serde::de::DeserializeOwned>(name: &str, body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"null".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            format!("{name}: line {}, column {}: {e}", e.line(), e.column()),
            Some("body".into()),
        )
    })
}

fn answer<T: serde::Serialize>(v: T) -> Reply<Response> {
    Ok(secured(axum::Json(v).into_response()))
}

fn not_in_browser(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
        format!("`{name}` is done on the Examhall desktop app, not in a browser."),
        None,
    )
}

macro_rules! http_commands {
    ($( $scope:ident $name:ident ( $($req:ty)? ) -> $resp:ty ; )*) => {
        /// Runs the table's command `name`: its body decoded as the table's
        /// request, the use case called with the caller's token, its reply the
        /// table's.
        async fn dispatch(
            app: &App,
            name: &str,
            token: Option<&str>,
            body: &[u8],
        ) -> Reply<Response> {
            match name {
                $( stringify!($name) => http_commands!(@one $scope $name ( $($req)? ) -> $resp; app, token, body), )*
                _ => Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    ErrorCode::NotFound,
                    format!("`{name}` is not a command of the Examhall UI."),
                    None,
                )),
            }
        }
    };
    (@one both $name:ident ( $req:ty ) -> $resp:ty; $app:ident, $token:ident, $body:ident) => {{
        let token = $token.ok_or(AppError::Unauthenticated)?;
        let args: $req = decode(stringify!($name), $body)?;
        let reply: $resp = $app.$name(token, args).await?;
        answer(reply)
    }};
    (@one both $name:ident ( ) -> $resp:ty; $app:ident, $token:ident, $body:ident) => {{
        let token = $token.ok_or(AppError::Unauthenticated)?;
        let reply: $resp = $app.$name(token).await?;
        answer(reply)
    }};
    (@one public $name:ident ( $req:ty ) -> $resp:ty; $app:ident, $token:ident, $body:ident) => {{
        let args: $req = decode(stringify!($name), $body)?;
        let reply: $resp = $app.$name(args).await?;
        answer(reply)
    }};
    (@one public $name:ident ( ) -> $resp:ty; $app:ident, $token:ident, $body:ident) => {{
        let reply: $resp = $app.$name().await?;
        answer(reply)
    }};
    (@one report $name:ident ( $req:ty ) -> $resp:ty; $app:ident, $token:ident, $body:ident) => {{
        let token = $token.ok_or(AppError::Unauthenticated)?;
        let args: $req = decode(stringify!($name), $body)?;
        download($app.$name(token, args).await?)
    }};
    (@one $desktop:ident $name:ident ( $($req:ty)? ) -> $resp:ty; $app:ident, $token:ident, $body:ident) => {{
        Err(not_in_browser(stringify!($name)))
    }};
}

examhall_protocol::ui_commands!(http_commands);

/// A report as a download: its type from its name, its name for saving.
fn download(r: Report) -> Reply<Response> {
    let ct = match r.file_name.rsplit_once('.').map(|(_, e)| e) {
        Some("pdf") => "application/pdf",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("xml") => "application/xml; charset=utf-8",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    };
    let safe: String = r
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    // Only ASCII letters, digits and `.-_` remain: always a valid header value.
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    let mut resp = ([(header::CONTENT_TYPE, ct)], r.bytes).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_DISPOSITION, disposition);
    Ok(secured(resp))
}

/// `POST /api/ui/{command}/`.
pub(crate) async fn command(
    State(app): State<App>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply<Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    dispatch(&app, &name, token, &body).await
}

/// `POST /api/ui/login/`: the same command, behind the per-source limit that
/// guards every route checking a password.
pub(crate) async fn login(State(app): State<App>, body: Bytes) -> Reply<Response> {
    dispatch(&app, "login", None, &body).await
}
