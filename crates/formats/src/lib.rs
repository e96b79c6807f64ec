//! Question interchange formats, parsed faithfully (what the file says, with its
//! lines), before anything is mapped onto Examhall's own question types. Pure:
//! text in, a syntax tree and located errors out.

pub mod aiken;
pub mod csv_format;
pub mod export;
pub mod gift;
pub mod items;
pub mod moodle_export;
pub mod moodle_xml;
pub mod qti;
pub mod roster;
mod xml;

pub use items::{
    import, import_bytes, Format, ImportError, Imported, ImportedItem, Location, TextFormat,
};
