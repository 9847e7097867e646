//! `cargo +nightly fuzz run asterisk`: the whole pipeline on one Asterisk file.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_common/mod.rs"]
mod driver;

fuzz_target!(|data: &[u8]| {
    driver::check_format(driver::Format::Asterisk, data);
});
