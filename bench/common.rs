//! What the tree generators share, by `#[path = "common.rs"] mod common;`:
//! a tiny deterministic PRNG (the same seed gives the same tree), the
//! command line and writing the tree.
// Each generator uses a subset of these.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Tiny deterministic PRNG (xorshift64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Spread small seeds over the state (splitmix64); xorshift needs a
        // non-zero state.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// The next share of a budget split into parts: `lo..=hi` of what
    /// `remaining` holds, or all of it when less than `tail` would be left.
    /// `None` when the rest is below `min`: the caller adds it to its last
    /// part.
    pub fn share(
        &mut self,
        remaining: usize,
        (min, lo, hi): (usize, usize, usize),
        tail: usize,
    ) -> Option<usize> {
        let mut share = self.range(lo, hi).min(remaining);
        if remaining - share < tail {
            share = remaining;
        }
        (share >= min).then_some(share)
    }

    pub fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// `k` distinct items of `items` (all of them when there are fewer).
    pub fn sample(&mut self, items: &[u32], k: usize) -> Vec<u32> {
        let mut pool = items.to_vec();
        let k = k.min(pool.len());
        for i in 0..k {
            let j = i + self.below(pool.len() - i);
            pool.swap(i, j);
        }
        pool.truncate(k);
        pool
    }
}

/// The value of a numeric flag (`--actions 5_000`).
pub fn number(flag: &str, value: Option<String>) -> Result<u64, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value"))?;
    value
        .replace('_', "")
        .parse()
        .map_err(|_| format!("{flag}: `{value}` is not a number"))
}

/// A generator's command line: one output directory and `--flag value`
/// options.
pub struct Args {
    pub out: PathBuf,
    values: Vec<(&'static str, String)>,
}

impl Args {
    /// Reads the command line. `flags` holds each option's long name and
    /// short alias (`""` for none). `Err("")` means that help was asked for.
    pub fn parse(flags: &[(&'static str, &'static str)]) -> Result<Args, String> {
        let mut out = None;
        let mut values = Vec::new();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            if arg == "-h" || arg == "--help" {
                return Err(String::new());
            }
            let flag = flags
                .iter()
                .find(|(long, short)| arg == *long || (!short.is_empty() && arg == *short));
            if let Some(&(long, _)) = flag {
                let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
                values.push((long, value));
            } else if arg.starts_with('-') {
                return Err(format!("unknown option `{arg}`"));
            } else if out.replace(PathBuf::from(&arg)).is_some() {
                return Err("more than one output directory given".into());
            }
        }
        Ok(Args {
            out: out.ok_or("no output directory given")?,
            values,
        })
    }

    /// The value of a flag, the last one when it is given twice.
    pub fn text(&self, flag: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(f, _)| *f == flag)
            .map(|(_, v)| v.as_str())
    }

    /// A numeric flag, or `default` when it is not given.
    pub fn number(&self, flag: &str, default: u64) -> Result<u64, String> {
        match self.text(flag) {
            Some(value) => number(flag, Some(value.to_string())),
            None => Ok(default),
        }
    }
}

/// Prints a command-line problem (nothing for help) and the usage line;
/// returns the exit status: 0 for help, 2 for a problem.
pub fn usage(program: &str, synopsis: &str, message: &str) -> ExitCode {
    if !message.is_empty() {
        eprintln!("{program}: {message}");
    }
    eprintln!("usage: {program} {synopsis}");
    if message.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// Writes `(relative path, text)` files below `out`, making directories.
pub fn write_tree(out: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    fs::create_dir_all(out)?;
    for (name, text) in files {
        let path = out.join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(path, text)?;
    }
    Ok(())
}
