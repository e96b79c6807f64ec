//! Any bytes as a moodle_xml file: reading never panics, every error has a place,
//! and every question read passes the domain's validation.
#![no_main]

use examhall_formats::{import_bytes, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let read = import_bytes(Format::MoodleXml, data);
    for e in &read.errors {
        assert!(e.location.line.is_some() || e.location.path.is_some(), "{e:?}");
    }
    for item in &read.items {
        assert_eq!(item.question.validate(), Ok(()));
    }
});
