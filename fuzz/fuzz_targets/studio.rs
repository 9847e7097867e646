//! `cargo +nightly fuzz run studio`: the whole pipeline on one Studio file.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_common/mod.rs"]
mod driver;

fuzz_target!(|data: &[u8]| {
    driver::check_format(driver::Format::Studio, data);
});
