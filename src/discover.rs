//! Finding the files to lint: walking directories with walkdir, filtering by the
//! `[files]` globs, reading only regular files, and asking the front ends
//! ([`crate::frontend`]) what each file is, by name and content.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::files::{Disk, FileSystem, Walked};
use crate::frontend::{self, OtherFile, kind_by_content};
use crate::glob::GlobSet;
use crate::hash::HashSet;
use crate::source::{display_path, slash_path};

/// Directories never descended into (`.terraform` holds downloaded copies
/// of modules and providers).
const PRUNED_DIRS: &[&str] = &[".git", "target", "node_modules", ".terraform"];

pub use crate::frontend::FileKind;

/// Every `FileKind::format_name`, in the order of the front ends.
pub use crate::frontend::format_names;

/// A file to lint, or a file that should have been linted but could not be read.
#[derive(Debug)]
pub struct Discovered {
    pub path: PathBuf,
    pub display: String,
    pub content: Content,
}

#[derive(Debug)]
pub enum Content {
    Text {
        kind: FileKind,
        /// The front ends that load the file (by index in `FRONTENDS`), each
        /// with the file's unit keys.
        units: Vec<(usize, Vec<String>)>,
        /// The text when it cannot be read again (standard input); files are
        /// read again when their unit is loaded, so that a run does not hold
        /// the whole tree.
        text: Option<String>,
        /// Found by a directory walk as a regular file, not a link
        /// ([`Walked`]); a file named on the command line may be a link.
        walked: bool,
    },
    /// Named like a configuration file but unreadable as one.
    Unreadable { reason: String },
    /// Not linted, and why (`--show-files`): excluded, a backup, no format
    /// reclint reads; for a directory, why it was not entered.
    Skipped { reason: &'static str },
    /// Recognised, but nothing in it is analysed: settings without a call
    /// flow, or a flow reclint cannot read yet.
    Other(OtherFile),
}

/// Which paths the `[files]` section lets through, relative to `base`.
pub struct FileFilter {
    pub base: PathBuf,
    pub include: GlobSet,
    pub exclude: GlobSet,
    /// Directories a walk does not enter from above (a walk that starts in
    /// one reads it): the `tests/` of each custom-rule directory, whose
    /// fixtures are bad on purpose.
    pub skip_dirs: Vec<PathBuf>,
}

impl FileFilter {
    fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.base).unwrap_or(path);
        slash_path(rel)
    }

    /// Asked of every file and directory a walk meets: the relative path
    /// (an allocation) is made only when there are globs to match it.
    pub fn excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && self.exclude.matches_path_or_parent(&self.relative(path))
    }

    pub fn included(&self, path: &Path) -> bool {
        self.include.is_empty() || self.include.matches(&self.relative(path))
    }
}

/// Walks `inputs` and returns every file of a supported format, sorted and
/// without duplicates, and every file and directory it skipped with the
/// reason. Explicitly named files are read even when their name looks like
/// a backup. Errors are for inputs that do not exist. Files are read on up
/// to `jobs` threads; the order does not depend on it.
pub fn discover(
    inputs: &[PathBuf],
    filter: &FileFilter,
    cwd: &Path,
    force_exclude: bool,
    jobs: usize,
    files: &dyn FileSystem,
) -> Result<Vec<Discovered>, (PathBuf, std::io::Error)> {
    // The walk decides what to look at; reading and sniffing, the slow part,
    // runs in parallel afterwards.
    let mut out = Vec::new();
    // A file named twice, or found below two inputs, is examined once. One
    // walk finds each file once: nothing to look up.
    let dedup = inputs.len() > 1;
    let mut seen: HashSet<PathBuf> = HashSet::default();
    for input in inputs {
        let meta = fs::metadata(input).map_err(|e| (input.clone(), e))?;
        if meta.is_dir() {
            for pending in walk(input, filter, cwd, jobs) {
                match pending {
                    Pending::Examine { path, .. } if dedup && !seen.insert(path.clone()) => {}
                    pending => out.push(pending),
                }
            }
        } else {
            if let Some(reason) = filtered_out(input, filter).filter(|_| force_exclude) {
                out.push(Pending::Known(skipped(input, cwd, reason)));
                continue;
            }
            if !seen.insert(input.clone()) {
                continue;
            }
            if !meta.is_file() {
                out.push(Pending::Known(unreadable(
                    input,
                    cwd,
                    "not a regular file".into(),
                )));
                continue;
            }
            out.push(Pending::Examine {
                path: input.clone(),
                explicit: true,
            });
        }
    }
    let mut plain: HashSet<OsString> =
        HashSet::with_capacity_and_hasher(out.len(), Default::default());
    plain.extend(out.iter().filter_map(|pending| match pending {
        Pending::Examine {
            path,
            explicit: false,
        } => Some(path.clone().into_os_string()),
        _ => None,
    }));
    let files = &Walked {
        files,
        plain: &plain,
    };
    let found = crate::parallel::map(out, jobs, |pending| match pending {
        Pending::Examine { path, explicit } => examine(&path, cwd, explicit, files),
        Pending::Known(discovered) => discovered,
    });
    Ok(found)
}

/// A file the walk found: to be read and sniffed, or already decided.
enum Pending {
    Examine { path: PathBuf, explicit: bool },
    Known(Discovered),
}

/// The files and skipped directories below `dir`, in the order of one
/// sorted depth-first walk. The walk mostly waits for directory reads, so it
/// is cut into the sorted walks of the entries two levels down (those of each
/// directory entered one level down), walked on up to `jobs` threads and
/// joined in their order: the same sequence. Two levels, because a tree's top
/// often holds a few directories of very different sizes (`asterisk/` beside
/// `freeswitch/`), and the largest would keep one thread walking alone.
fn walk(dir: &Path, filter: &FileFilter, cwd: &Path, jobs: usize) -> Vec<Pending> {
    let Some(entries) = sorted_entries(dir) else {
        // Said by the walk itself, on the path it could not read.
        return walk_from(dir, 0, filter, cwd);
    };
    let mut roots: Vec<(PathBuf, usize)> = Vec::with_capacity(entries.len());
    for entry in entries {
        // A linked directory one level down is not entered, and a pruned one
        // is said to be skipped: both by the walk from the entry itself.
        let entered = fs::symlink_metadata(&entry).is_ok_and(|meta| meta.is_dir())
            && pruned(&entry, filter).is_none();
        match entered.then(|| sorted_entries(&entry)).flatten() {
            Some(children) => roots.extend(children.into_iter().map(|child| (child, 2))),
            None => roots.push((entry, 1)),
        }
    }
    crate::parallel::map(roots, jobs, |(root, depth)| {
        walk_from(&root, depth, filter, cwd)
    })
    .into_iter()
    .flatten()
    .collect()
}

/// The entries of `dir` sorted by name, as walkdir sorts them; `None` when
/// the directory or one of its entries cannot be read.
fn sorted_entries(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .ok()?;
    entries.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Some(entries)
}

/// One sorted depth-first walk from `root`, which is `depth` below the
/// directory the walk was asked for (a directory below it may be pruned).
fn walk_from(root: &Path, depth: usize, filter: &FileFilter, cwd: &Path) -> Vec<Pending> {
    let mut out = Vec::new();
    let mut walker = WalkDir::new(root)
        .follow_links(false)
        // A linked input directory is entered, a linked entry below it not.
        .follow_root_links(depth == 0)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                // Unreadable directories and symlink loops are reported on
                // the path walkdir could not enter.
                if let Some(path) = err.path() {
                    out.push(Pending::Known(unreadable(path, cwd, err.to_string())));
                }
                continue;
            }
        };
        let path = entry.path();
        if entry.depth() + depth > 0 && entry.file_type().is_dir() {
            if let Some(reason) = pruned(path, filter) {
                out.push(Pending::Known(skipped(path, cwd, reason)));
                walker.skip_current_dir();
            }
            continue;
        }
        // Only regular files: symlinks are not followed and FIFOs or
        // devices are never opened.
        if !entry.file_type().is_file() {
            continue;
        }
        if let Some(reason) = filtered_out(path, filter) {
            out.push(Pending::Known(skipped(path, cwd, reason)));
            continue;
        }
        out.push(Pending::Examine {
            path: path.to_path_buf(),
            explicit: false,
        });
    }
    out
}

/// Why a walk does not enter a directory, if it does not.
fn pruned(dir: &Path, filter: &FileFilter) -> Option<&'static str> {
    if dir
        .file_name()
        .is_some_and(|name| PRUNED_DIRS.iter().any(|d| name == *d))
    {
        Some("directory never linted (version control, build output, dependencies)")
    } else if filter.skip_dirs.iter().any(|d| d == dir) {
        Some("custom-rule fixtures (`reclint test` runs them)")
    } else if filter.excluded(dir) {
        Some("excluded by `[files] exclude`")
    } else {
        None
    }
}

/// Why `[files]` leaves a file out, if it does.
fn filtered_out(path: &Path, filter: &FileFilter) -> Option<&'static str> {
    if filter.excluded(path) {
        Some("excluded by `[files] exclude`")
    } else if !filter.included(path) {
        Some("not matched by `[files] include`")
    } else {
        None
    }
}

fn skipped(path: &Path, cwd: &Path, reason: &'static str) -> Discovered {
    Discovered {
        path: path.to_path_buf(),
        display: display_path(path, cwd),
        content: Content::Skipped { reason },
    }
}

fn unreadable(path: &Path, cwd: &Path, reason: String) -> Discovered {
    Discovered {
        path: path.to_path_buf(),
        display: display_path(path, cwd),
        content: Content::Unreadable { reason },
    }
}

/// Reads a file if its name or content says it is a supported format.
fn examine(path: &Path, cwd: &Path, explicit: bool, files: &dyn FileSystem) -> Discovered {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let by_name = kind_by_name(&name, explicit);
    if by_name.is_none() && !explicit && is_backup(&name) {
        return skipped(path, cwd, "a backup or editor copy (name it to lint it)");
    }
    if by_name.is_none() && !explicit && !worth_sniffing(&name) {
        return skipped(path, cwd, "not a format reclint reads (by its name)");
    }
    let text = match files.read_text(path) {
        Ok(text) => text,
        // A file we would have linted by its name must not vanish silently.
        Err(reason) if by_name.is_some() => return unreadable(path, cwd, reason),
        Err(_) => return skipped(path, cwd, "not readable as configuration text"),
    };
    let Some(kind) = by_name.or_else(|| kind_by_content(&text, Some(&name))) else {
        if let Some(other) = frontend::other_file(&text, Some(&name)) {
            return Discovered {
                path: path.to_path_buf(),
                display: display_path(path, cwd),
                content: Content::Other(other),
            };
        }
        return skipped(path, cwd, "not a format reclint reads (by its content)");
    };
    Discovered {
        path: path.to_path_buf(),
        display: display_path(path, cwd),
        content: Content::Text {
            kind,
            units: frontend::unit_keys(kind, path, &text, files),
            text: None,
            walked: !explicit,
        },
    }
}

/// Configuration text piped to `reclint check -`. `name` (from
/// `--stdin-filename`) stands in for the file: its name picks the format as a
/// named file's would, findings show it, and includes resolve next to it.
/// Without a name the content decides. `Ok(None)`: the name is excluded by
/// `[files]` and `force_exclude` is on. `Err`: the format is not one reclint reads.
pub fn stdin(
    text: Result<String, String>,
    name: Option<&Path>,
    filter: &FileFilter,
    cwd: &Path,
    force_exclude: bool,
) -> Result<Option<Discovered>, String> {
    let (path, display) = match name {
        Some(name) => {
            let path = cwd.join(name);
            let display = display_path(&path, cwd);
            (path, display)
        }
        None => (cwd.join(STDIN_DISPLAY), STDIN_DISPLAY.to_string()),
    };
    if force_exclude && name.is_some() && (filter.excluded(&path) || !filter.included(&path)) {
        return Ok(None);
    }
    let file_name = name
        .and_then(|n| n.file_name())
        .map(|n| n.to_string_lossy().to_ascii_lowercase());
    let by_name = file_name.as_deref().and_then(|n| kind_by_name(n, true));
    let content = match text {
        Ok(text) => match by_name.or_else(|| kind_by_content(&text, file_name.as_deref())) {
            Some(kind) => Content::Text {
                kind,
                units: frontend::unit_keys(kind, &path, &text, &Disk),
                text: Some(text),
                walked: false,
            },
            None => {
                return Err(format!(
                    "{display} is not a format reclint reads ({})",
                    frontend::kind_names().join(", ")
                ));
            }
        },
        Err(reason) => Content::Unreadable { reason },
    };
    Ok(Some(Discovered {
        path,
        display,
        content,
    }))
}

/// How findings name standard input read without `--stdin-filename`.
pub const STDIN_DISPLAY: &str = "<stdin>";

/// Backups and editor copies are skipped in walks; a user can still name them.
fn is_backup(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".confnew")
        || name.ends_with(".bak")
        || name.ends_with(".orig")
        || name.ends_with(".old")
        || name.ends_with(".dpkg-dist")
        || name.ends_with(".dpkg-old")
        || name.contains(".conf.bk")
        || name.contains(".old_")
        || name.contains(".bk.")
}

/// The kind of a file known by its (lowercase) name; backups only when named
/// explicitly.
fn kind_by_name(name: &str, explicit: bool) -> Option<FileKind> {
    if is_backup(name) && !explicit {
        return None;
    }
    frontend::kind_by_name(name)
}

/// Whether a file unknown by name may be read to look at its content.
fn worth_sniffing(name: &str) -> bool {
    !is_backup(name) && frontend::worth_sniffing(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::{asterisk, connect, freeswitch, genesys, infra};

    /// What a walk yields, as text: `examine <path>` or `<path>: <what>`.
    fn walked(pending: Vec<Pending>) -> Vec<String> {
        pending
            .into_iter()
            .map(|p| match p {
                Pending::Examine { path, .. } => format!("examine {}", path.display()),
                Pending::Known(d) => format!("{}: {:?}", d.path.display(), d.content),
            })
            .collect()
    }

    /// The walk cut into walks from two levels down yields what one sorted
    /// walk yields: files at every depth, directories pruned, excluded or
    /// linked one and two levels down, an empty directory.
    #[cfg(unix)]
    #[test]
    fn split_walk_is_one_sorted_walk() {
        use std::os::unix::fs::symlink;
        let dir = std::env::temp_dir().join(format!("reclint-split-walk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for sub in [
            "b/z/deep/deeper",
            "b/a",
            "b/node_modules/x",
            "b/legacy",
            "a",
            "c/.git",
            "node_modules/y",
            "empty",
            "legacy/q",
        ] {
            fs::create_dir_all(dir.join(sub)).unwrap();
        }
        for file in [
            "top.conf",
            "b/z/deep/deeper/extensions.conf",
            "b/z/one.xml",
            "b/a/two.json",
            "b/node_modules/x/extensions.conf",
            "b/legacy/extensions.conf",
            "b/file.conf",
            "a/a.conf",
            "c/.git/config",
            "node_modules/y/extensions.conf",
            "legacy/q/extensions.conf",
        ] {
            fs::write(dir.join(file), "[x]\n").unwrap();
        }
        symlink(dir.join("b"), dir.join("linked-dir")).unwrap();
        symlink(dir.join("a"), dir.join("b/linked-dir")).unwrap();
        symlink(dir.join("top.conf"), dir.join("b/linked.conf")).unwrap();
        let filter = FileFilter {
            base: dir.clone(),
            include: GlobSet::default(),
            exclude: GlobSet::new(&["b/legacy".to_string()], crate::glob::GlobKind::Path).unwrap(),
            skip_dirs: vec![dir.join("legacy")],
        };
        let one = walked(walk_from(&dir, 0, &filter, &dir));
        assert_eq!(one.iter().filter(|l| l.starts_with("examine")).count(), 6);
        for jobs in [1, 2, 3] {
            assert_eq!(walked(walk(&dir, &filter, &dir, jobs)), one, "jobs {jobs}");
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names() {
        assert_eq!(
            kind_by_name("extensions.conf", false),
            Some(asterisk::DIALPLAN)
        );
        assert_eq!(
            kind_by_name("extensions_override_freepbx.conf", false),
            Some(asterisk::DIALPLAN)
        );
        assert_eq!(
            kind_by_name("asterisk__asterisk__configs__basic-pbx__queues.conf", false),
            Some(asterisk::QUEUES)
        );
        assert_eq!(
            kind_by_name("features.conf.sample", false),
            Some(asterisk::FEATURES)
        );
        assert_eq!(kind_by_name("extensions.confnew", false), None);
        assert_eq!(kind_by_name("extensions.conf.bk.1700000000", false), None);
        assert_eq!(kind_by_name("pjsip.conf", false), None);
        assert_eq!(kind_by_name("myextensions.conf", false), None);
    }

    #[test]
    fn content() {
        assert_eq!(
            kind_by_content("[x]\n exten => s,1,Answer()\n", None),
            Some(asterisk::DIALPLAN)
        );
        assert_eq!(kind_by_content(";exten => s,1,Answer()\n", None), None);
        assert_eq!(
            kind_by_content("[featuremap]\nautomixmon => *3\n", None),
            Some(asterisk::FEATURES)
        );
    }

    #[test]
    fn xml_by_root_element() {
        let fs = "<?xml version=\"1.0\"?>\n<!-- x -->\n<include><context name=\"a\"/></include>";
        assert_eq!(kind_by_content(fs, None), Some(freeswitch::FREESWITCH));
        assert_eq!(
            kind_by_content("<project><name>x</name></project>", None),
            None
        );
    }

    #[test]
    fn json_by_keys() {
        let flow = r#"{"Version":"2019-10-30","StartAction":"a","Actions":[]}"#;
        assert_eq!(kind_by_content(flow, None), Some(connect::CONNECT));
        let legacy = r#"{"modules":[],"start":"x","type":"contactFlow"}"#;
        assert_eq!(kind_by_content(legacy, None), Some(connect::CONNECT));
        let wrapped = r#"{"ContactFlow":{"Content":"{\"StartAction\":\"a\",\"Actions\":[]}"}}"#;
        assert_eq!(kind_by_content(wrapped, None), Some(connect::CONNECT));
        assert_eq!(
            kind_by_content(r#"{"name":"package","version":"1.0.0"}"#, None),
            None
        );
    }

    #[test]
    fn infrastructure_as_code() {
        // `.tf` is known by content: a Connect flow written inline is a flow.
        let storage = "resource \"aws_s3_bucket\" \"rec\" {}\n";
        assert_eq!(
            kind_by_content(storage, Some("main.tf")),
            Some(infra::TERRAFORM)
        );
        let flow = "resource \"aws_connect_contact_flow\" \"in\" {\n  content = jsonencode({ StartAction = \"a\", Actions = [] })\n}\n";
        assert_eq!(
            kind_by_content(flow, Some("main.tf")),
            Some(connect::CONNECT)
        );
        let from_file =
            "resource \"aws_connect_contact_flow\" \"in\" {\n  content = file(\"in.json\")\n}\n";
        assert_eq!(
            kind_by_content(from_file, Some("main.tf")),
            Some(infra::TERRAFORM)
        );
        assert!(is_backup("main.tf.bak"));
        let template = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources: {}\n";
        assert_eq!(
            kind_by_content(template, Some("stack.yaml")),
            Some(infra::CLOUDFORMATION)
        );
        let resources = "Resources:\n  Rec:\n    Type: 'AWS::S3::Bucket'\n";
        assert_eq!(
            kind_by_content(resources, Some("rec.yml")),
            Some(infra::CLOUDFORMATION)
        );
        assert_eq!(
            kind_by_content(resources, None),
            Some(infra::CLOUDFORMATION)
        );
        // Genesys Archy flows are YAML but not templates; a YAML file quoting
        // a dialplan is not a dialplan.
        let archy = "inboundCall:\n  name: Main\n  startUpRef: \"/inboundCall/menus/menu[Main]\"\n";
        assert_eq!(
            kind_by_content(archy, Some("flow.yaml")),
            Some(genesys::ARCHY_FLOW)
        );
        let ansible = "- copy:\n    content: |\n      [from-pstn]\n      exten => s,1,Answer()\n";
        assert_eq!(kind_by_content(ansible, Some("site.yml")), None);
        let json = r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}"#;
        assert_eq!(
            kind_by_content(json, Some("stack.template")),
            Some(infra::CLOUDFORMATION)
        );
        let resources = r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#;
        assert_eq!(
            kind_by_content(resources, None),
            Some(infra::CLOUDFORMATION)
        );
        // A template embedding a flow is read as flows (and for its storage).
        let flows = r#"{"Resources": {"F": {"Type": "AWS::Connect::ContactFlow", "Properties": {"Content": "{\"Actions\": []}"}}}}"#;
        assert_eq!(
            kind_by_content(flows, Some("flows.json")),
            Some(connect::CONNECT)
        );
        let terraform = r#"{"resource": {"aws_s3_bucket": {"rec": {}}}}"#;
        assert_eq!(
            kind_by_content(terraform, Some("main.tf.json")),
            Some(infra::TERRAFORM)
        );
        assert_eq!(kind_by_content(terraform, Some("main.json")), None);
    }
}
