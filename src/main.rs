//! The `reclint` command: parse arguments, run, exit 0 (clean), 1 (findings)
//! or 2 (usage, configuration, I/O or internal error).

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(reclint::cli::main(std::env::args_os()))
}
