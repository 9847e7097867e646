//! `cargo +nightly fuzz run freeswitch`: the whole pipeline on one FreeSwitch file.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_common/mod.rs"]
mod driver;

fuzz_target!(|data: &[u8]| {
    driver::check_format(driver::Format::FreeSwitch, data);
});
