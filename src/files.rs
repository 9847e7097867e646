//! The virtual file layer front ends read through: the files a unit's
//! configuration names beyond the unit itself (what an Asterisk `#include`
//! or a FreeSWITCH `X-PRE-PROCESS include` splices in). Front ends do no IO
//! of their own, so a run can read from the disk or from texts held in
//! memory (an editor's unsaved buffers, fixed texts not yet written) alike.
//! Include resolution below the scanned roots is here too, one for every
//! platform.

use crate::hash::{HashMap, HashSet};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use crate::glob::{Glob, GlobKind};

/// Where front ends read files from.
pub trait FileSystem: Sync {
    /// The text of a file, or why it cannot be read as configuration.
    fn read_text(&self, path: &Path) -> Result<String, String>;

    fn is_file(&self, path: &Path) -> bool;

    /// The regular files directly in `dir`, sorted; none when it cannot be read.
    fn files_in(&self, dir: &Path) -> Vec<PathBuf>;

    /// The path with symbolic links and `..` resolved, or as given.
    fn canonical(&self, path: &Path) -> PathBuf;
}

/// The files on disk.
pub struct Disk;

impl FileSystem for Disk {
    fn read_text(&self, path: &Path) -> Result<String, String> {
        crate::source::read_text(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn files_in(&self, dir: &Path) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .collect();
        files.sort();
        files
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        crate::source::canonical(path)
    }
}

/// The files on disk, some of them replaced by texts held in memory.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// By canonical path.
    texts: BTreeMap<PathBuf, Arc<str>>,
}

impl Overlay {
    /// From now on `path` reads as `text`.
    pub fn set(&mut self, path: &Path, text: impl Into<Arc<str>>) {
        self.texts.insert(Disk.canonical(path), text.into());
    }

    /// `path` reads from the disk again.
    pub fn remove(&mut self, path: &Path) {
        self.texts.remove(&Disk.canonical(path));
    }

    /// The text held for `path`, if any.
    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        // The command line's overlay is empty: no path to work out per read.
        if self.texts.is_empty() {
            return None;
        }
        self.texts.get(&Disk.canonical(path))
    }
}

impl FileSystem for Overlay {
    fn read_text(&self, path: &Path) -> Result<String, String> {
        match self.get(path) {
            Some(text) => Ok(text.to_string()),
            None => Disk.read_text(path),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.get(path).is_some() || Disk.is_file(path)
    }

    fn files_in(&self, dir: &Path) -> Vec<PathBuf> {
        let mut files = Disk.files_in(dir);
        if self.texts.is_empty() {
            return files;
        }
        let canonical_dir = Disk.canonical(dir);
        for held in self.texts.keys() {
            if held.parent() == Some(canonical_dir.as_path())
                && let Some(name) = held.file_name()
            {
                let file = dir.join(name);
                if !files.contains(&file) {
                    files.push(file);
                }
            }
        }
        files.sort();
        files
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        Disk.canonical(path)
    }
}

/// Files a directory walk saw as regular files, not links, read through
/// `files`: a file's resolved path is then its directory's and its name,
/// without asking the system again whether it is a link (an `lstat` each
/// time, and each file is resolved two or three times: for its unit keys,
/// when it is loaded, when an include names it).
pub struct Walked<'a> {
    pub files: &'a dyn FileSystem,
    /// The walked files, by their paths as walked.
    pub plain: &'a HashSet<OsString>,
}

impl FileSystem for Walked<'_> {
    fn read_text(&self, path: &Path) -> Result<String, String> {
        self.files.read_text(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.plain.contains(path.as_os_str()) || self.files.is_file(path)
    }

    fn files_in(&self, dir: &Path) -> Vec<PathBuf> {
        self.files.files_in(dir)
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        match self.plain.contains(path.as_os_str()) {
            true => crate::source::canonical_plain_file(path),
            false => self.files.canonical(path),
        }
    }
}

/// What an include names.
#[derive(Debug, Default)]
pub struct Included {
    /// The path as written, joined to the including file's directory.
    pub joined: PathBuf,
    /// The existing files it names below the scanned roots, canonical, in
    /// order: the ones to read.
    pub files: Vec<PathBuf>,
    /// The existing files it names outside the scanned roots: reported,
    /// never read.
    pub outside: Vec<PathBuf>,
}

impl Included {
    /// Whether the include names no existing file at all.
    pub fn is_missing(&self) -> bool {
        self.files.is_empty() && self.outside.is_empty()
    }
}

/// The files `pattern` names from a file in `dir`: a path relative to `dir`
/// or absolute, with a glob (`*`, `?`, `[...]`) allowed in its last
/// component. Files below one of `roots` (canonical) are to be read; others
/// are only named.
pub fn resolve_include(
    fs: &dyn FileSystem,
    roots: &[PathBuf],
    dir: &Path,
    pattern: &str,
) -> Included {
    let written = Path::new(pattern);
    let joined = if written.is_absolute() {
        written.to_path_buf()
    } else {
        dir.join(written)
    };
    let candidates = if pattern.contains(['*', '?', '[']) {
        expand_glob(fs, &joined)
    } else if fs.is_file(&joined) {
        vec![joined.clone()]
    } else {
        Vec::new()
    };
    let mut included = Included {
        joined,
        ..Included::default()
    };
    for candidate in candidates {
        let target = fs.canonical(&candidate);
        if roots.iter().any(|root| target.starts_with(root)) {
            included.files.push(target);
        } else {
            included.outside.push(target);
        }
    }
    included
}

/// An include's file-name glob, compiled once per process: a FreeSWITCH tree
/// includes `default/*.xml` from every copy of its configuration, and
/// compiling the glob cost more than listing the directory. The patterns are
/// the few that configurations write; `None` for one that does not compile.
fn include_glob(pattern: &str) -> Option<Arc<Glob>> {
    static COMPILED: LazyLock<Mutex<HashMap<String, Option<Arc<Glob>>>>> =
        LazyLock::new(Default::default);
    let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(glob) = compiled.get(pattern) {
        return glob.clone();
    }
    let glob = Glob::new(pattern, GlobKind::Path).ok().map(Arc::new);
    compiled.insert(pattern.to_string(), glob.clone());
    glob
}

/// The files a glob in the last component of `path` matches.
fn expand_glob(fs: &dyn FileSystem, path: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let Some(glob) = include_glob(&name.to_string_lossy()) else {
        return Vec::new();
    };
    fs.files_in(dir)
        .into_iter()
        .filter(|file| {
            file.file_name()
                .is_some_and(|n| glob.matches(&n.to_string_lossy()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Files in memory, by absolute path.
    struct Memory(BTreeMap<PathBuf, String>);

    impl FileSystem for Memory {
        fn read_text(&self, path: &Path) -> Result<String, String> {
            self.0
                .get(path)
                .cloned()
                .ok_or_else(|| "no such file".into())
        }
        fn is_file(&self, path: &Path) -> bool {
            self.0.contains_key(path)
        }
        fn files_in(&self, dir: &Path) -> Vec<PathBuf> {
            self.0
                .keys()
                .filter(|p| p.parent() == Some(dir))
                .cloned()
                .collect()
        }
        fn canonical(&self, path: &Path) -> PathBuf {
            path.to_path_buf()
        }
    }

    fn memory(paths: &[&str]) -> Memory {
        Memory(
            paths
                .iter()
                .map(|p| (PathBuf::from(p), String::new()))
                .collect(),
        )
    }

    #[test]
    fn includes_resolve_below_the_roots_only() {
        let fs = memory(&[
            "/pbx/a.conf",
            "/pbx/custom/b.conf",
            "/pbx/custom/c.conf",
            "/etc/x.conf",
        ]);
        let roots = [PathBuf::from("/pbx")];
        let dir = Path::new("/pbx");
        let named = resolve_include(&fs, &roots, dir, "custom/*.conf");
        assert_eq!(
            named.files,
            [
                PathBuf::from("/pbx/custom/b.conf"),
                PathBuf::from("/pbx/custom/c.conf")
            ]
        );
        let outside = resolve_include(&fs, &roots, dir, "/etc/x.conf");
        assert!(outside.files.is_empty() && outside.outside == [PathBuf::from("/etc/x.conf")]);
        let missing = resolve_include(&fs, &roots, dir, "nothing.conf");
        assert!(missing.is_missing());
        assert_eq!(missing.joined, PathBuf::from("/pbx/nothing.conf"));
        assert!(resolve_include(&fs, &roots, dir, "none/*.conf").is_missing());
    }

    #[cfg(unix)]
    #[test]
    fn walked_files_resolve_as_the_disk_resolves_them() {
        let dir = std::env::temp_dir().join(format!("reclint-walked-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let real = dir.join("extensions.conf");
        let link = dir.join("extensions_custom.conf");
        std::fs::write(&real, "[from-pstn]\n").unwrap();
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&real, &link).unwrap();
        // The walk saw `real` as a regular file; it does not follow `link`.
        let plain: HashSet<OsString> = [real.clone().into_os_string()].into_iter().collect();
        let walked = Walked {
            files: &Disk,
            plain: &plain,
        };
        assert_eq!(walked.canonical(&real), Disk.canonical(&real));
        assert!(walked.is_file(&real));
        // A link named otherwise (an include, the command line) is still
        // resolved to what it points at.
        assert_eq!(walked.canonical(&link), Disk.canonical(&real));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
