//! A deterministic, stable-toolchain taste of the fuzz targets in `fuzz/`:
//! the fixtures of each format, mutated a few hundred times with a fixed-seed
//! xorshift (byte flips, truncation, duplicated and deleted ranges, splices,
//! hostile tokens, deep nesting), each run through the same pipeline as the
//! targets (`tests/fuzz_common`). Passing means nothing panicked.

mod fuzz_common;

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use fuzz_common::Format;

/// Mutated inputs per target (490 in all, each 1 to 4 stacked mutations):
/// about what a debug build runs in 5 seconds on 2 cores.
const MUTATIONS: usize = 35;

// The bench generators' PRNG: deterministic, no dependency.
#[path = "../bench/common.rs"]
mod bench_common;
use bench_common::Rng;

const TOKENS: &[&[u8]] = &[
    b"${",
    b"$[",
    b"}",
    b"#include \"extensions.conf\"\n",
    b"#include ../../../etc/passwd\n",
    b"#exec /bin/true\n",
    b"<!ENTITY x \"&x;&x;\">",
    b"<!DOCTYPE r [<!ENTITY a \"aaaa\">]>",
    b"&a;",
    b"<![CDATA[",
    b"\"\\u0000\"",
    b"\"\\ud800\"",
    b"\0",
    b"\xff\xfe",
    b"\xe2\x80\xae",
    b"\r",
    b"\n[ctx]\n",
    b"exten => _X.,1,Goto(${EXTEN},1)\n",
    b"same => n,GotoIf($[${X}]?a:b)\n",
    b"context c {",
    b"switch (${X}) { case 1: ",
    b"/*",
    b"//",
    b"&m(",
    b"#include \"extensions.ael\"\n",
    b"(",
    b")",
    b"{\"",
    b"[[[[",
    b"\":",
    b"1e999999",
    b"-0",
    b"<Response>",
    b"</",
    b"/>",
    b"\"next\": \"",
    b"reclint: disable REC001 until 1999-02-30",
    b"=",
    b"\\",
    b"\\\\",
    b"{{",
    b"}}",
    b"- jumpToTask:\n    targetTaskRef: ./tasks/task[x]\n",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => data.truncate(rng.below(len)),
            2 if len > 0 => {
                let start = rng.below(len);
                let end = start + rng.below((len - start).min(256) + 1);
                let copy = data[start..end].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, copy);
            }
            3 if len > 0 => {
                let start = rng.below(len);
                let end = start + rng.below((len - start).min(256) + 1);
                data.drain(start..end);
            }
            4 => {
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            5 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                let at = rng.below(len + 1);
                data.splice(at..at, token.iter().copied());
            }
            _ => {
                // Deep nesting of whatever brackets the format uses.
                let (open, close): (&[u8], &[u8]) = match rng.below(4) {
                    0 => (b"{\"a\":", b"}"),
                    1 => (b"[", b"]"),
                    2 => (b"<a>", b"</a>"),
                    _ => (b"$[${", b"}]"),
                };
                let depth = 1 + rng.below(2000);
                let at = rng.below(len + 1);
                let mut nest = open.repeat(depth);
                nest.extend(close.repeat(depth));
                data.splice(at..at, nest);
            }
        }
    }
    data
}

fn files(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, keep, out);
        } else if keep(&path) {
            out.push(path);
        }
    }
}

fn seeds(folder: &str, keep: &dyn Fn(&Path) -> bool) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(folder);
    let mut paths = Vec::new();
    files(&root, keep, &mut paths);
    assert!(!paths.is_empty(), "no seeds in {}", root.display());
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

fn format_seeds(format: Format) -> Vec<Vec<u8>> {
    let keep: &dyn Fn(&Path) -> bool = match format {
        Format::Asterisk => &|p| has_extension(p, "conf"),
        Format::Ael => &|p| has_extension(p, "ael"),
        Format::FreeSwitch => &|p| has_extension(p, "xml"),
        Format::Connect => &|p| {
            !["expect", "toml", "yaml", "tf"]
                .iter()
                .any(|ext| has_extension(p, ext))
        },
        Format::Twiml => &|p| has_extension(p, "twiml"),
        Format::Texml | Format::Cxml | Format::PlivoXml => &|p| has_extension(p, "xml"),
        Format::Studio => &|p| has_extension(p, "json"),
        Format::Vonage => &|p| has_extension(p, "json"),
        Format::Swml => &|p| has_extension(p, "yaml") || has_extension(p, "json"),
        Format::Genesys => &|p| has_extension(p, "yaml"),
        Format::Terraform => &|p| has_extension(p, "tf"),
        Format::CloudFormation => &|p| has_extension(p, "yaml") || has_extension(p, "json"),
    };
    let mut found = seeds(format.fixtures(), keep);
    // Templates that deploy contact flows are CloudFormation or Terraform too.
    if format == Format::CloudFormation {
        found.extend(seeds("amazon-connect", &|p| has_extension(p, "yaml")));
    }
    if format == Format::Terraform {
        found.extend(seeds("amazon-connect", &|p| has_extension(p, "tf")));
    }
    found
}

/// Runs `MUTATIONS` mutants of `seeds` through `check`, with a seed per run.
fn smoke(name: &str, salt: u64, seeds: &[Vec<u8>], check: impl Fn(&[u8]) -> String) {
    let mut rng = Rng::new(salt);
    for i in 0..MUTATIONS {
        let seed = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed, other);
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| check(&input)));
        assert!(
            outcome.is_ok(),
            "{name}: mutant {i} panicked; input:\n{:?}",
            String::from_utf8_lossy(&input)
        );
    }
}

fn smoke_format(salt: u64, format: Format) {
    let seeds = format_seeds(format);
    smoke(&format!("{format:?}"), salt, &seeds, |input| {
        fuzz_common::check_format(format, input)
    });
}

/// A test per format, so that they run in parallel and fail by name.
macro_rules! format_tests {
    ($($name:ident: $format:ident, $salt:literal;)*) => {$(
        #[test]
        fn $name() {
            smoke_format($salt, Format::$format);
        }
    )*};
}

format_tests! {
    asterisk_survives_mutated_fixtures: Asterisk, 1;
    ael_survives_mutated_fixtures: Ael, 6;
    freeswitch_survives_mutated_fixtures: FreeSwitch, 2;
    connect_survives_mutated_fixtures: Connect, 3;
    twiml_survives_mutated_fixtures: Twiml, 4;
    texml_survives_mutated_fixtures: Texml, 9;
    cxml_survives_mutated_fixtures: Cxml, 10;
    plivo_xml_survives_mutated_fixtures: PlivoXml, 11;
    studio_survives_mutated_fixtures: Studio, 5;
    vonage_survives_mutated_fixtures: Vonage, 9;
    genesys_survives_mutated_fixtures: Genesys, 12;
    terraform_survives_mutated_fixtures: Terraform, 7;
    cloudformation_survives_mutated_fixtures: CloudFormation, 8;
    swml_survives_mutated_fixtures: Swml, 9;
}

#[test]
fn config_survives_mutated_fixtures() {
    // Every `reclint.toml` under fixtures/.
    let seeds = seeds("", &|p| has_extension(p, "toml"));
    smoke("config_toml", 99, &seeds, fuzz_common::check_config);
}
