//! `cargo +nightly fuzz run plivo_xml`: the whole pipeline on one Plivo XML file.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_common/mod.rs"]
mod driver;

fuzz_target!(|data: &[u8]| {
    driver::check_format(driver::Format::PlivoXml, data);
});
