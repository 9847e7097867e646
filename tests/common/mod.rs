//! Helpers shared by the integration tests that run the `reclint` binary.
// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

pub mod schema;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `reclint ARGS` in `dir`, colour off.
pub fn reclint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reclint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("reclint runs")
}

pub fn status(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh directory under the target directory, with the given files.
pub fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Options that lint a fixture (a path relative to the repository root)
/// with its own reclint.toml when it has one, and no other configuration.
pub fn fixture_options(fixture: &str) -> reclint::check::CheckOptions {
    let config = PathBuf::from(fixture).join("reclint.toml");
    let has_config = root().join(&config).is_file();
    reclint::check::CheckOptions {
        paths: vec![PathBuf::from(fixture)],
        no_config: !has_config,
        config: has_config.then_some(config),
        ..Default::default()
    }
}
