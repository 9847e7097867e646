//! Inputs the fuzz targets (`fuzz/`) and the fuzz smoke test found crashing
//! reclint, minimised, run through the same pipeline (`tests/fuzz_common`).
//! Each must give a clean result: findings or an error value, no panic.

mod fuzz_common;

use fuzz_common::Format;

/// The JSON report of a clean run (an error value renders as text).
fn clean(format: Format, input: &[u8]) -> String {
    fuzz_common::check_format(format, input)
}

/// A JSON syntax error at a character that is not ASCII (here the U+FFFD an
/// invalid byte decodes to) made a span that ended inside the character, and
/// every report panicked slicing the text there.
#[test]
fn json_error_at_a_multibyte_character() {
    let report = clean(
        Format::Studio,
        b"{\"states\": [], \"initial_state\": \"x\", \xff}",
    );
    assert!(report.contains("REC900"), "{report}");
}

/// The same for malformed XML: the error span was one byte long from a
/// character that is not ASCII.
#[test]
fn xml_error_at_a_multibyte_character() {
    let report = clean(Format::Twiml, b"<Response \xc2\xa0/>");
    assert!(report.contains("REC900"), "{report}");
    let report = clean(
        Format::FreeSwitch,
        b"<include><context name=\"x\" \xc2\xa0></context></include>",
    );
    assert!(report.contains("REC900"), "{report}");
}
