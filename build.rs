//! Embeds every `lints/*.toml` rule file in the binary, so that adding a rule's
//! metadata means adding one file, and generates `RuleCode`, one variant per
//! file, so that built-in code names a rule that exists. A built-in rule's
//! formats are the formats it has fixtures for (`fixtures/<format>/<RULE>/`),
//! so the list cannot drift from what is tested.

use std::fmt::Write;
use std::path::Path;

/// The names of the directories in `dir`, sorted.
fn subdirectories(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable directory")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The commit the binary is built from (`reclint --version`), or `unknown`
/// outside a git checkout; the build reruns when HEAD moves.
fn commit() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let git = root.join(".git");
    if !git.is_dir() {
        return "unknown".to_string();
    }
    let head = git.join("HEAD");
    println!("cargo:rerun-if-changed={}", head.display());
    if let Ok(text) = std::fs::read_to_string(&head)
        && let Some(reference) = text.trim().strip_prefix("ref: ")
    {
        for watched in [git.join(reference), git.join("packed-refs")] {
            if watched.exists() {
                println!("cargo:rerun-if-changed={}", watched.display());
            }
        }
    }
    std::process::Command::new("git")
        .args(["rev-parse", "--short=9", "HEAD"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|hash| !hash.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=lints");
    println!("cargo:rustc-env=RECLINT_COMMIT={}", commit());
    // Tests that read the real corpus next to the repository are marked
    // ignored, with the reason, when it is absent: a skip shows in the test
    // summary instead of passing silently.
    // A path that does not exist would rebuild the crate on every build, so
    // only an existing corpus is watched.
    println!("cargo::rustc-check-cfg=cfg(shared_corpus)");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if corpus.is_dir() {
        println!("cargo:rerun-if-changed={}", corpus.display());
        println!("cargo:rustc-cfg=shared_corpus");
    }
    // Cargo watches a directory with everything under it.
    println!("cargo:rerun-if-changed=fixtures");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let formats = subdirectories(&fixtures);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lints");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("lints/ directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let stems: Vec<String> = files
        .iter()
        .map(|p| {
            p.file_stem()
                .expect("file name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    // `REC001` → `Rec001`.
    let variant = |stem: &str| {
        let mut chars = stem.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
        })
    };
    let mut out = String::from(
        "/// The code of every built-in rule: one variant per `lints/*.toml`, in\n\
         /// file order.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]\n\
         pub enum RuleCode {\n",
    );
    for stem in &stems {
        writeln!(out, "    {},", variant(stem)).expect("write to string");
    }
    out.push_str("}\n\nimpl RuleCode {\n    /// Every built-in code, in file order.\n    pub const ALL: &[RuleCode] = &[\n");
    for stem in &stems {
        writeln!(out, "        RuleCode::{},", variant(stem)).expect("write to string");
    }
    out.push_str("    ];\n\n    /// The code as written, e.g. `REC001`.\n    pub const fn as_str(self) -> &'static str {\n        match self {\n");
    for stem in &stems {
        writeln!(out, "            RuleCode::{} => {stem:?},", variant(stem))
            .expect("write to string");
    }
    out.push_str("        }\n    }\n}\n\n");
    out.push_str(
        "/// `(code, contents, formats)` of every `lints/*.toml`, sorted; the\n\
         /// formats are the directories `fixtures/<format>/<code>/`, sorted by name.\n\
         static LINT_FILES: &[(RuleCode, &str, &[&str])] = &[\n",
    );
    for (path, stem) in files.iter().zip(&stems) {
        let tested: Vec<&String> = formats
            .iter()
            .filter(|format| fixtures.join(format).join(stem).is_dir())
            .collect();
        writeln!(
            out,
            "    (RuleCode::{}, include_str!({:?}), &{tested:?}),",
            variant(stem),
            path.display().to_string()
        )
        .expect("write to string");
    }
    out.push_str("];\n\n");
    // One flagged and one passing fixture per rule and format, for the
    // rule's page: the fixtures are the examples users read.
    out.push_str(
        "/// `(code, format, flagged, file name, contents)`: the first `bad_*` and\n\
         /// `ok_*` fixture file of each rule and format.\n\
         static EXAMPLES: &[(RuleCode, &str, bool, &str, &str)] = &[\n",
    );
    for stem in &stems {
        for format in &formats {
            let dir = fixtures.join(format).join(stem);
            if !dir.is_dir() {
                continue;
            }
            let listed = |dir: &Path, files_only: bool| -> Vec<String> {
                let mut names: Vec<String> = std::fs::read_dir(dir)
                    .expect("readable directory")
                    .filter_map(Result::ok)
                    .filter(|e| !files_only || e.path().is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.ends_with(".expect"))
                    .collect();
                names.sort();
                names
            };
            let names = listed(&dir, false);
            for (prefix, flagged) in [("bad_", true), ("ok_", false)] {
                let Some(name) = names.iter().find(|n| n.starts_with(prefix)) else {
                    continue;
                };
                // A fixture that is a directory shows each of its files.
                let path = dir.join(name);
                let files: Vec<(String, std::path::PathBuf)> = if path.is_dir() {
                    listed(&path, true)
                        .into_iter()
                        .map(|file| (format!("{name}/{file}"), path.join(file)))
                        .collect()
                } else {
                    vec![(name.clone(), path)]
                };
                for (shown, file) in files {
                    writeln!(
                        out,
                        "    (RuleCode::{}, {format:?}, {flagged}, {shown:?}, include_str!({:?})),",
                        variant(stem),
                        file.display().to_string()
                    )
                    .expect("write to string");
                }
            }
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("lints.rs");
    std::fs::write(dest, out).expect("write lints.rs");
}
