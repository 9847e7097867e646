//! Source files as read from disk, and byte spans into them: how a file is
//! read as configuration text (size and binary limits, decoding) and how its
//! path is shown and matched (`/`-separated, relative to the working directory).
//!
//! Every parsed node keeps a [`Span`]; lines and columns are computed only when a
//! finding is reported, from the line index kept here.

use crate::hash::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// The same range in another file (a file renumbered).
    pub fn with_file(self, file: FileId) -> Span {
        Span { file, ..self }
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// A piece of a text shared by many pieces (a file's text): a parse tree
/// that keeps thousands of pieces of one file holds the file once, instead
/// of a copy per piece (an allocation each, and a fifth of a run's time
/// went to allocating). Compares, hashes and prints as the `str` it is.
#[derive(Clone)]
pub struct SharedStr {
    text: Arc<String>,
    /// Byte offsets into `text`, on character boundaries (every constructor
    /// takes them from a `str` that was sliced, so Rust checked them).
    start: u32,
    end: u32,
}

impl SharedStr {
    /// All of `text`.
    pub fn whole(text: &Arc<String>) -> SharedStr {
        SharedStr {
            text: Arc::clone(text),
            start: 0,
            end: offset(text.len()),
        }
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: `start..end` lies in `text` on character boundaries (the
        // field's invariant), and `text` is never changed (it is shared).
        unsafe {
            self.text
                .get_unchecked(self.start as usize..self.end as usize)
        }
    }

    /// The piece at `range` of this one (offsets into this piece); panics
    /// off a character boundary, as slicing a `str` does.
    pub fn slice(&self, range: std::ops::Range<usize>) -> SharedStr {
        let checked = &self.as_str()[range.clone()];
        debug_assert_eq!(checked.len(), range.end - range.start);
        SharedStr {
            text: Arc::clone(&self.text),
            start: self.start + offset(range.start),
            end: self.start + offset(range.end),
        }
    }

    /// The piece that `part`, a slice of [`SharedStr::as_str`] (a field of
    /// it, trimmed), is; a copy of `part` when it is not such a slice. An
    /// empty `part` (an attribute left out) is an empty piece: no copy.
    pub fn part(&self, part: &str) -> SharedStr {
        if part.is_empty() {
            return self.slice(0..0);
        }
        let whole = self.as_str();
        let at = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
        if at <= whole.len() && part.len() <= whole.len() - at {
            self.slice(at..at + part.len())
        } else {
            SharedStr::from(part)
        }
    }
}

/// A text's length as a `u32` offset: texts are files read under
/// [`MAX_FILE_BYTES`] or short texts made from them.
fn offset(len: usize) -> u32 {
    u32::try_from(len).expect("shared texts are under 4 GiB (files over 64 MiB are not read)")
}

impl From<String> for SharedStr {
    fn from(text: String) -> SharedStr {
        SharedStr::whole(&Arc::new(text))
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> SharedStr {
        SharedStr::from(text.to_string())
    }
}

impl std::ops::Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for SharedStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::hash::Hash for SharedStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

/// A 1-based line and column (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One file's text and line index.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as given or found, used to read the file.
    pub path: PathBuf,
    /// Path shown to users: relative to the current directory, `/`-separated.
    pub display: String,
    /// The text; empty once [`SourceFile::evict`]ed.
    pub text: Arc<String>,
    line_starts: Vec<u32>,
    /// Set when the text was dropped: what line and column need of it.
    evicted: Option<Evicted>,
}

/// What is kept of an evicted file's text: its length, and the lines that
/// are not ASCII (where a column is not a byte count).
#[derive(Debug)]
struct Evicted {
    len: u32,
    wide_lines: Vec<(u32, Box<str>)>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> SourceFile {
        let line_starts = line_starts(&text);
        SourceFile {
            path,
            display,
            // Kept as read: `Arc<str>` would copy every file's text once more.
            text: Arc::new(text),
            line_starts,
            evicted: None,
        }
    }

    /// Drops the text and keeps what lines and columns need: once a unit of
    /// files has been analysed, its findings only need to be located. After
    /// this, `text`, `line_text` and `slice` are empty; `line_col` still answers.
    pub fn evict(&mut self) {
        if self.evicted.is_some() {
            return;
        }
        // Most configuration is ASCII throughout: one vectorised check
        // instead of one per line.
        let wide_lines = match self.text.is_ascii() {
            true => Vec::new(),
            false => (0..self.line_starts.len())
                .filter_map(|line| {
                    let text = self.line_span_text(line);
                    (!text.is_ascii()).then(|| (line as u32, Box::from(text)))
                })
                .collect(),
        };
        self.evicted = Some(Evicted {
            len: self.text.len() as u32,
            wide_lines,
        });
        self.text = Arc::new(String::new());
    }

    /// The bytes of 0-based line `line`, with its terminator.
    fn line_span_text(&self, line: usize) -> &str {
        let start = self.line_starts[line] as usize;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&e| e as usize);
        &self.text[start..end]
    }

    /// Where each line starts: 0, then the byte after each `\n`.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let len = self
            .evicted
            .as_ref()
            .map_or(self.text.len() as u32, |e| e.len);
        let offset = offset.min(len);
        let line = self.line_index(offset);
        let start = self.line_starts[line] as usize;
        let within = offset as usize - start;
        let column = match &self.evicted {
            None => self.text[start..offset as usize].chars().count(),
            Some(evicted) => match evicted
                .wide_lines
                .binary_search_by_key(&(line as u32), |(l, _)| *l)
            {
                Ok(i) => {
                    let text = &evicted.wide_lines[i].1;
                    text.get(..within).map_or(within, |t| t.chars().count())
                }
                Err(_) => within,
            },
        } + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The byte offset of a 1-based line and character column (clamped).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start as usize..];
        let within = rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        start as usize + within
    }

    /// The text of 1-based line `line`, without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        if line == 0 || line > self.line_starts.len() {
            return "";
        }
        let start = self.line_starts[line - 1] as usize;
        let end = self
            .line_starts
            .get(line)
            .map(|&e| e as usize)
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn slice(&self, span: Span) -> &str {
        let start = (span.start as usize).min(self.text.len());
        let end = (span.end as usize).clamp(start, self.text.len());
        self.text.get(start..end).unwrap_or("")
    }
}

/// Where each line of `text` starts: 0, then the byte after each `\n`.
/// memchr finds the newlines a vector at a time: every file read goes
/// through here, and lines are short.
pub fn line_starts(text: &str) -> Vec<u32> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1))
        .collect()
}

/// The files read during a run, or a unit's files on top of the run's
/// shared ones (a layer over a base): ids below the layer's first are the
/// base's.
#[derive(Debug, Default)]
pub struct SourceMap {
    base: Option<Arc<SourceMap>>,
    /// The id of `files[0]`: the number of files in the base.
    first: u32,
    files: Vec<SourceFile>,
    /// `files` by path.
    by_path: HashMap<PathBuf, FileId>,
}

impl SourceMap {
    /// An empty layer over `base`: its files keep their ids, files added get
    /// the ids after them.
    pub fn layer(base: Arc<SourceMap>) -> SourceMap {
        SourceMap {
            first: base.len() as u32,
            base: Some(base),
            files: Vec::new(),
            by_path: HashMap::default(),
        }
    }

    /// The files added to this map (not its base's), in id order from
    /// [`SourceMap::first_own`].
    pub fn into_own(self) -> Vec<SourceFile> {
        self.files
    }

    /// The id of the first file added to this map (not its base's).
    pub fn first_own(&self) -> FileId {
        FileId(self.first)
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.first + self.files.len() as u32);
        self.by_path.entry(file.path.clone()).or_insert(id);
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        match id.0.checked_sub(self.first) {
            Some(own) => &self.files[own as usize],
            None => self
                .base
                .as_ref()
                .expect("an id below `first` exists only in a layer, which has a base")
                .get(id),
        }
    }

    /// The first file read from `path`.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.base
            .as_ref()
            .and_then(|base| base.find(path))
            .or_else(|| self.by_path.get(path).copied())
    }

    pub fn len(&self) -> usize {
        self.first as usize + self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).slice(span)
    }

    pub fn line_col(&self, span: Span) -> (LineCol, LineCol) {
        let file = self.get(span.file);
        (file.line_col(span.start), file.line_col(span.end))
    }
}

/// Files larger than this are reported instead of read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a regular file as configuration text. Binary and oversized files are
/// refused with a reason.
pub fn read_text(path: &Path) -> Result<String, String> {
    let file = fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "file is {} MiB, larger than the {} MiB reclint reads",
            meta.len().div_ceil(1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    // Read up to the size the file has now: then the read that would find
    // the end is not made (one system call a file instead of two). A size
    // of 0 may not be the truth (files the kernel makes up as they are
    // read): those are read to their end.
    let limit = match meta.len() {
        0 => MAX_FILE_BYTES + 1,
        len => len,
    };
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    text_from_bytes(bytes)
}

/// Reads standard input as configuration text, with the limits of `read_text`.
pub fn read_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    text_from_bytes(bytes)
}

fn text_from_bytes(bytes: Vec<u8>) -> Result<String, String> {
    // Files can grow between `metadata` and the read; stdin has no length.
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "more than the {} MiB reclint reads",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    if looks_binary(&bytes) {
        return Err("file contains binary data (NUL bytes), not configuration text".into());
    }
    Ok(decode(bytes))
}

/// The path with symbolic links and `..` resolved, or as given when it does
/// not exist: how files that name each other (`#include`) are matched.
///
/// Resolving costs a `readlink` per path component, and a run resolves each
/// file two or three times (unit keys, includes, lowering): a file that is
/// no symbolic link is resolved as its directory's resolved path, which is
/// worked out once per directory. On the 20,000-file benchmark tree that
/// is 342,000 fewer system calls.
pub fn canonical(path: &Path) -> PathBuf {
    let plain_file = path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_file());
    match plain_file {
        true => canonical_plain_file(path),
        false => resolve(path),
    }
}

/// [`canonical`] of a path known to name a regular file, not a link (a
/// directory walk saw it so): its directory's resolved path and its name.
pub fn canonical_plain_file(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => canonical_dir(dir).join(name),
        _ => resolve(path),
    }
}

fn resolve(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A directory's resolved path, worked out once per run: a directory that
/// is no symbolic link is its parent's resolved path and its name (one
/// `lstat`, where resolving it whole cost a `readlink` per component: 43,000
/// of them for the 8,000 directories of the 20,000-file tree).
fn canonical_dir(dir: &Path) -> PathBuf {
    static DIRECTORIES: LazyLock<Mutex<HashMap<PathBuf, PathBuf>>> =
        LazyLock::new(Default::default);
    let lock = || DIRECTORIES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(resolved) = lock().get(dir) {
        return resolved.clone();
    }
    // Resolved without the lock: the system calls would keep every other
    // thread of the discovery waiting. Two threads may both resolve a new
    // directory; they find the same path.
    let resolved = match (dir.parent(), dir.file_name()) {
        (Some(parent), Some(name))
            if !parent.as_os_str().is_empty()
                && dir.symlink_metadata().is_ok_and(|m| m.file_type().is_dir()) =>
        {
            canonical_dir(parent).join(name)
        }
        _ => resolve(dir),
    };
    lock().insert(dir.to_path_buf(), resolved.clone());
    resolved
}

/// `str::trim_start`, quicker where the text starts in ASCII, as dialplan
/// and XML values nearly always do: ASCII spaces are taken off byte by
/// byte, and only a start beyond ASCII, or a vertical tab (the one ASCII
/// space `trim_ascii` keeps), is left to `str`'s Unicode test. The same
/// text as `str::trim_start` gives; a run trims hundreds of thousands of
/// values.
pub fn trim_start(text: &str) -> &str {
    let trimmed = text.trim_ascii_start();
    match trimmed.as_bytes().first() {
        Some(&b) if b >= 0x80 || b == 0x0B => trimmed.trim_start(),
        _ => trimmed,
    }
}

/// `str::trim_end` as [`trim_start`] does `str::trim_start`.
pub fn trim_end(text: &str) -> &str {
    let trimmed = text.trim_ascii_end();
    match trimmed.as_bytes().last() {
        Some(&b) if b >= 0x80 || b == 0x0B => trimmed.trim_end(),
        _ => trimmed,
    }
}

/// `str::trim` as [`trim_start`] does `str::trim_start`.
pub fn trim(text: &str) -> &str {
    trim_end(trim_start(text))
}

/// `path` relative to `cwd` when it lies below it, `/`-separated.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let rel = if path.is_absolute() {
        path.strip_prefix(cwd).unwrap_or(path)
    } else {
        path
    };
    // Joined as written, into one string: every discovered file is named so.
    let mut joined = String::new();
    let mut parts = 0;
    for component in rel.components() {
        let part = match component {
            Component::CurDir => continue,
            Component::RootDir => std::borrow::Cow::Borrowed(""),
            other => other.as_os_str().to_string_lossy(),
        };
        if parts > 0 {
            joined.push('/');
        }
        joined.push_str(&part);
        parts += 1;
    }
    match parts {
        0 => ".".into(),
        // The root alone.
        1 if joined.is_empty() => "/".into(),
        _ => joined,
    }
}

/// A path as a `/`-separated string, for glob matching.
pub fn slash_path(path: &Path) -> String {
    let mut joined = String::new();
    let parts = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir));
    for (i, component) in parts.enumerate() {
        if i > 0 {
            joined.push('/');
        }
        joined.push_str(&component.as_os_str().to_string_lossy());
    }
    joined
}

/// Decodes file bytes: strips a UTF-8 byte-order mark and replaces invalid UTF-8
/// (old dialplans often carry Latin-1 comments) so that spans index the text shown.
pub fn decode(bytes: Vec<u8>) -> String {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Text made safe to show in a terminal: control characters (C0 but tab and
/// line breaks, DEL, C1) and bidirectional overrides become visible
/// placeholders of the same UTF-8 length, so byte offsets into the text stay
/// valid and a configuration file cannot send escape sequences or reorder
/// what the reader sees.
pub fn display_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    };
    if !text.chars().any(unsafe_char) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if !unsafe_char(c) {
                return c;
            }
            match c.len_utf8() {
                1 => '?',
                2 => '\u{00BF}',
                _ => '\u{FFFD}',
            }
        })
        .collect::<String>()
        .into()
}

/// The bytes of the character of `text` at byte `offset` (the one containing
/// it, when it falls inside one; empty at the end). Error spans cover this,
/// not `offset..offset + 1`, which can end inside a multi-byte character.
pub fn char_range(text: &str, offset: usize) -> std::ops::Range<usize> {
    let mut start = offset.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let len = text[start..].chars().next().map_or(0, char::len_utf8);
    start..start + len
}

/// Whether the bytes look like binary data rather than configuration text.
pub fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_gives_what_str_gives() {
        let spaces = [
            " ", "\t", "\n", "\r", "\x0B", "\x0C", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}",
        ];
        let cores = ["", "x", "é", "a b", "\u{1F600}", "\x01", "\u{200B}"];
        for &left in &spaces {
            for &right in &spaces {
                for &core in &cores {
                    for text in [
                        format!("{left}{core}{right}"),
                        format!("{left}{left}{core} {right}{right}"),
                        format!("{core}{right}{left}"),
                    ] {
                        assert_eq!(trim(&text), text.trim(), "{text:?}");
                        assert_eq!(trim_start(&text), text.trim_start(), "{text:?}");
                        assert_eq!(trim_end(&text), text.trim_end(), "{text:?}");
                    }
                }
            }
        }
    }

    /// A file is one file however its path reaches it: through a
    /// symbolically linked directory, through `..`, or directly.
    #[cfg(unix)]
    #[test]
    fn paths_through_linked_directories_and_dot_dot_resolve_alike() {
        let root = std::env::temp_dir().join(format!("reclint-canonical-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("real/sub")).unwrap();
        fs::write(root.join("real/sub/extensions.conf"), "[c]\n").unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
        let expected = fs::canonicalize(root.join("real/sub/extensions.conf")).unwrap();
        for path in [
            "real/sub/extensions.conf",
            "link/sub/extensions.conf",
            "link/../real/sub/extensions.conf",
            "real/sub/../sub/extensions.conf",
        ] {
            assert_eq!(canonical(&root.join(path)), expected, "{path}");
        }
        // A path that does not exist stays as given.
        let missing = root.join("link/none/x.conf");
        assert_eq!(canonical(&missing), missing);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_evicted_file_still_locates_offsets() {
        let text = "exten => s,1,Answer()\n\tsame => n,Playback(hélène-ø)\r\nlast";
        let mut file = SourceFile::new(PathBuf::from("x"), "x".into(), text.to_string());
        let offsets: Vec<u32> = (0..=text.len() + 3)
            .filter(|&o| o > text.len() || text.is_char_boundary(o))
            .map(|o| o as u32)
            .collect();
        let before: Vec<LineCol> = offsets.iter().map(|&o| file.line_col(o)).collect();
        file.evict();
        assert!(file.text.is_empty());
        let after: Vec<LineCol> = offsets.iter().map(|&o| file.line_col(o)).collect();
        assert_eq!(before, after);
    }

    #[test]
    fn a_layer_numbers_its_files_after_its_base() {
        let mut base = SourceMap::default();
        let config = base.add(SourceFile::new(
            "reclint.toml".into(),
            "r".into(),
            String::new(),
        ));
        let mut layer = SourceMap::layer(Arc::new(base));
        let own = layer.add(SourceFile::new("a.conf".into(), "a".into(), "x".into()));
        assert_eq!(
            (config, own, layer.first_own()),
            (FileId(0), FileId(1), FileId(1))
        );
        assert_eq!(layer.get(config).display, "r");
        assert_eq!(layer.find(Path::new("a.conf")), Some(own));
        assert_eq!(layer.find(Path::new("reclint.toml")), Some(config));
        assert_eq!(layer.len(), 2);
        assert_eq!(layer.into_own().len(), 1);
    }

    #[test]
    fn char_range_covers_whole_characters() {
        let text = "a\u{FFFD}b";
        assert_eq!(char_range(text, 0), 0..1);
        assert_eq!(char_range(text, 1), 1..4);
        assert_eq!(char_range(text, 2), 1..4);
        assert_eq!(char_range(text, 4), 4..5);
        assert_eq!(char_range(text, 5), 5..5);
        assert_eq!(char_range(text, 99), 5..5);
    }

    #[test]
    fn unsafe_characters_keep_their_length() {
        let hostile = "a\u{1b}[31mred\u{9b}x\u{202E}evil\tok\n";
        let safe = display_safe(hostile);
        assert_eq!(safe.len(), hostile.len());
        assert!(!safe.contains('\u{1b}') && !safe.contains('\u{9b}') && !safe.contains('\u{202E}'));
        assert!(safe.contains("\tok\n"));
        assert!(matches!(
            display_safe("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn display_paths() {
        let cwd = Path::new("/w");
        assert_eq!(display_path(Path::new("/w/a/b.conf"), cwd), "a/b.conf");
        assert_eq!(display_path(Path::new("./a/b.conf"), cwd), "a/b.conf");
        assert_eq!(display_path(Path::new("../x/b.conf"), cwd), "../x/b.conf");
        assert_eq!(display_path(Path::new("/w"), cwd), ".");
        assert_eq!(display_path(Path::new("/"), cwd), "/");
        assert_eq!(display_path(Path::new("/etc/x.conf"), cwd), "/etc/x.conf");
        assert_eq!(display_path(Path::new("a//./b"), cwd), "a/b");
        assert_eq!(slash_path(Path::new("./a//b/./c.conf")), "a/b/c.conf");
        // The root is its own component, written `/`.
        assert_eq!(slash_path(Path::new("/a/b")), "//a/b");
        assert_eq!(slash_path(Path::new(".")), "");
    }

    #[test]
    fn shared_str_pieces_are_the_text_they_cover() {
        let text = Arc::new(String::from("exten => s,1,Dial(PJSIP/é,20)"));
        let whole = SharedStr::whole(&text);
        assert_eq!(whole, "exten => s,1,Dial(PJSIP/é,20)");
        let value = whole.slice(9..whole.len());
        assert_eq!(value, "s,1,Dial(PJSIP/é,20)");
        let app = value.part(value[4..].trim());
        assert_eq!(app, "Dial(PJSIP/é,20)");
        assert_eq!(app.slice(5..app.len() - 1), "PJSIP/é,20");
        // Not a slice of it: copied.
        assert_eq!(value.part("elsewhere"), "elsewhere");
        assert_eq!(value.part(""), "");
        assert!(
            Arc::ptr_eq(&value.part("").text, &text),
            "no copy of nothing"
        );
        assert_eq!(
            format!("{app:?} {app}"),
            "\"Dial(PJSIP/é,20)\" Dial(PJSIP/é,20)"
        );
        let set: std::collections::HashSet<SharedStr> = [app.clone()].into_iter().collect();
        assert!(set.contains("Dial(PJSIP/é,20)"));
    }

    #[test]
    #[should_panic]
    fn shared_str_slices_on_character_boundaries_only() {
        let text = SharedStr::from("é");
        let _ = text.slice(0..1);
    }
}
