//! `cargo +nightly fuzz run config_toml`: `reclint.toml` loaded, then used to
//! lint a small dialplan.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_common/mod.rs"]
mod driver;

fuzz_target!(|data: &[u8]| {
    driver::check_config(data);
});
