//! The `reclint` command: parse arguments, run, exit 0 (clean), 1 (findings)
//! or 2 (usage, configuration, I/O or internal error).

use std::process::ExitCode;

/// A third of a run's instructions went to glibc's malloc and free (graphs
/// are many small allocations); mimalloc halves that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(reclint::cli::main(std::env::args_os()))
}
