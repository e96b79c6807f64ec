//! The server's integration tests, one binary for all of them: each test binary
//! links the whole server, so one of them instead of eight saves build time and
//! gigabytes of disk on CI.

mod common;

mod api;
mod copies;
mod relay;
mod room;
mod sealed;
mod seats;
mod sync;
mod ui;
