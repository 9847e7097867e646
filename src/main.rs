//! The `reclint` command: parse arguments, run, exit 0 (clean), 1 (findings)
//! or 2 (usage, configuration, I/O or internal error).

use std::process::ExitCode;

/// A third of a run's instructions went to glibc's malloc and free (graphs
/// are many small allocations); mimalloc halves that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`), which
/// the Rust bindings do not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays with the process before it goes back to the
/// system, in milliseconds. A run frees each unit's sources and graphs as
/// soon as it is done, and the next unit allocates as much again: memory
/// given back too soon is faulted in and zeroed again, memory kept too long
/// counts in the peak. Against 50 ms, half a second takes a third less
/// system time and keeps the peak within its goals: about 250 MB on the
/// 20,000-file benchmark tree, 100 MB on the 5,000-file one (bench/README.md,
/// "Findings kept small"). `MIMALLOC_PURGE_DELAY` still wins.
const PURGE_DELAY_MS: std::ffi::c_long = 500;

/// The language server keeps freed memory (-1: never purge): it checks the
/// workspace again at every change, and memory given back after one check
/// had to be faulted in and zeroed again by the next, which made one change
/// in five take two to four times as long on a 10,000-line dialplan
/// (bench/README.md, "Language server").
const SERVER_PURGE_DELAY_MS: std::ffi::c_long = -1;

fn main() -> ExitCode {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        let serving = std::env::args_os().nth(1).is_some_and(|c| c == "server");
        let delay = if serving {
            SERVER_PURGE_DELAY_MS
        } else {
            PURGE_DELAY_MS
        };
        // SAFETY: sets a documented mimalloc option to a documented value;
        // mimalloc reads options atomically, so setting one while the
        // allocator runs is allowed.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, delay) };
    }
    ExitCode::from(reclint::cli::main(std::env::args_os()))
}
