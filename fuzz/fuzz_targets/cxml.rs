//! `cargo +nightly fuzz run cxml`: the whole pipeline on one SignalWire cXML file.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_common/mod.rs"]
mod driver;

fuzz_target!(|data: &[u8]| {
    driver::check_format(driver::Format::Cxml, data);
});
