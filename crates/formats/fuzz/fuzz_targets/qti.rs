//! Any bytes as QTI: an item document, or (when they start like a zip) a
//! content package. Reading never panics, and every question read passes the
//! domain's validation.
#![no_main]

use examhall_formats::{import_bytes, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let read = import_bytes(Format::Qti, data);
    for item in &read.items {
        assert_eq!(item.question.validate(), Ok(()));
    }
});
