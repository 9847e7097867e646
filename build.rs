//! Embeds every `lints/*.toml` rule file in the binary, so that adding a rule's
//! metadata means adding one file.

use std::fmt::Write;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=lints");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lints");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("lints/ directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from(
        "/// `(file stem, contents)` of every `lints/*.toml`, sorted.\npub static LINT_FILES: &[(&str, &str)] = &[\n",
    );
    for path in files {
        let stem = path.file_stem().expect("file name").to_string_lossy();
        writeln!(
            out,
            "    ({stem:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write to string");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("lints.rs");
    std::fs::write(dest, out).expect("write lints.rs");
}
