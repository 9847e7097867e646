//! `cargo +nightly fuzz run swml`: the whole pipeline on one SignalWire SWML document.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_common/mod.rs"]
mod driver;

fuzz_target!(|data: &[u8]| {
    driver::check_format(driver::Format::Swml, data);
});
