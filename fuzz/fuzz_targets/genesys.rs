//! `cargo +nightly fuzz run genesys`: the whole pipeline on one Genesys Archy flow.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_common/mod.rs"]
mod driver;

fuzz_target!(|data: &[u8]| {
    driver::check_format(driver::Format::Genesys, data);
});
