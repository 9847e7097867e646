//! `reclint.toml`: discovery, schema and validation. Unknown keys,
//! bad values and unknown rule codes are errors that point into the file.
//! The configuration is data: it names the directories of custom rules, and
//! the command that runs the rules loads them; the rule codes and names it
//! holds are resolved against the run's rules ([`Loaded::resolve`]).

pub mod profile;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::{LabeledSpan, MietteDiagnostic, NamedSource, Report};
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::Catalog;
use crate::date::Date;
use crate::finding::Severity;
use crate::glob::{self, GlobKind, GlobSet};
use crate::source::{FileId, SourceFile, SourceMap, Span};
pub use profile::{Jurisdiction, Profile, RecordingMandate, Sector};

pub const CONFIG_NAMES: &[&str] = &["reclint.toml", ".reclint.toml"];

// ---- The file as written -------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    /// Path of the baseline file, relative to this file.
    baseline: Option<String>,
    /// Directories of custom rule files, relative to this file.
    #[serde(default)]
    rule_dirs: Vec<Spanned<String>>,
    #[serde(default)]
    policy: RawPolicy,
    #[serde(default)]
    purposes: BTreeMap<String, Spanned<RawPurpose>>,
    #[serde(default)]
    scope: Vec<RawScope>,
    #[serde(default)]
    recognize: RawRecognize,
    #[serde(default)]
    files: RawFiles,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    ignore: Vec<Spanned<RawIgnore>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawIgnore {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    anchor: Option<String>,
    reason: Option<String>,
    expires: Option<Spanned<RawDate>>,
}

/// `expires = 2027-03-31` (a TOML date) or `"2027-03-31"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawDate {
    Date(toml::value::Datetime),
    Text(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPolicy {
    jurisdiction: Option<Spanned<String>>,
    sector: Option<Spanned<String>>,
    #[serde(default)]
    default_purposes: Vec<Spanned<String>>,
    consent_answers: Option<Vec<String>>,
    transfer_mechanism: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPurpose {
    legal_basis: Option<Spanned<String>>,
    retention_days: Option<Spanned<u32>>,
    necessity: Option<String>,
    mandate: Option<String>,
    agent_emotion: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawScope {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    contexts: Vec<String>,
    purposes: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRecognize {
    #[serde(default)]
    notice: Vec<String>,
    #[serde(default)]
    consent: Vec<String>,
    #[serde(default)]
    consent_variables: Vec<String>,
    #[serde(default)]
    entry_points: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFiles {
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRules {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

// ---- The validated configuration ----------------------------------------

/// A legal basis under GDPR Art. 6(1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalBasis {
    Consent,
    Contract,
    LegalObligation,
    PublicTask,
    VitalInterests,
    LegitimateInterests,
}

impl LegalBasis {
    pub const NAMES: &[(&str, LegalBasis)] = &[
        ("consent", LegalBasis::Consent),
        ("contract", LegalBasis::Contract),
        ("legal-obligation", LegalBasis::LegalObligation),
        ("public-task", LegalBasis::PublicTask),
        ("vital-interests", LegalBasis::VitalInterests),
        ("legitimate-interests", LegalBasis::LegitimateInterests),
    ];

    pub fn as_str(self) -> &'static str {
        LegalBasis::NAMES
            .iter()
            .find(|(_, b)| *b == self)
            .map(|(n, _)| *n)
            .unwrap_or("consent")
    }
}

#[derive(Debug, Clone)]
pub struct Purpose {
    pub name: String,
    pub legal_basis: LegalBasis,
    /// Whether `legal-basis` was written (an undeclared basis means consent).
    pub basis_declared: bool,
    /// The `[purposes.NAME]` table in the configuration file.
    pub span: Option<Span>,
    /// The `legal-basis` value.
    pub basis_span: Option<Span>,
    pub retention_days: Option<u32>,
    /// The `retention-days` value.
    pub retention_span: Option<Span>,
    pub necessity: Option<String>,
    pub mandate: Option<String>,
    /// For analytics that score the agent: why that is not emotion
    /// recognition (only transcripts are read) or the medical or safety
    /// reason for it (rule REC020).
    pub agent_emotion: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Scope {
    pub paths: GlobSet,
    pub contexts: Vec<String>,
    pub purposes: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Recognize {
    pub notice: Vec<String>,
    pub consent: Vec<String>,
    pub consent_variables: Vec<String>,
    pub entry_points: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RuleSettings {
    /// Codes; empty means all rules.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub fail_on: Severity,
}

/// An `[[ignore]]` entry: suppresses findings for files without comments
/// (JSON) or for whole trees.
#[derive(Debug, Clone)]
pub struct IgnoreEntry {
    /// Globs relative to the configuration file; empty means every file.
    pub paths: GlobSet,
    /// Rule codes; empty means every rule.
    pub rules: Vec<String>,
    /// A context or flow name (later: JSON pointer, action identifier).
    pub anchor: Option<String>,
    pub reason: Option<String>,
    pub expires: Option<Date>,
    /// The entry in the configuration file.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The configuration file, if one was read.
    pub file: Option<FileId>,
    /// Directory that relative globs in the file are relative to.
    pub base: PathBuf,
    pub profile: Profile,
    pub default_purposes: Vec<String>,
    pub consent_answers: Vec<String>,
    pub transfer_mechanism: Option<String>,
    pub purposes: BTreeMap<String, Purpose>,
    pub scopes: Vec<Scope>,
    pub recognize: Recognize,
    pub include: GlobSet,
    pub exclude: GlobSet,
    pub rules: RuleSettings,
    pub ignores: Vec<IgnoreEntry>,
    /// `baseline = "..."`, resolved against the configuration's directory.
    pub baseline: Option<PathBuf>,
    /// `rule-dirs`, resolved against the configuration's directory.
    pub rule_dirs: Vec<PathBuf>,
}

impl Config {
    /// The configuration used when there is no file.
    pub fn default_for(base: &Path) -> Config {
        Config {
            file: None,
            base: base.to_path_buf(),
            profile: Profile::default(),
            default_purposes: Vec::new(),
            consent_answers: default_consent_answers(),
            transfer_mechanism: None,
            purposes: BTreeMap::new(),
            scopes: Vec::new(),
            recognize: Recognize::default(),
            include: GlobSet::default(),
            exclude: GlobSet::default(),
            rules: RuleSettings {
                select: Vec::new(),
                ignore: Vec::new(),
                severity: BTreeMap::new(),
                fail_on: Severity::Error,
            },
            ignores: Vec::new(),
            baseline: None,
            rule_dirs: Vec::new(),
        }
    }

    /// A purpose by name; names not declared in the file have basis consent.
    pub fn purpose(&self, name: &str) -> Purpose {
        self.purposes.get(name).cloned().unwrap_or_else(|| Purpose {
            name: name.to_string(),
            legal_basis: LegalBasis::Consent,
            basis_declared: false,
            span: None,
            basis_span: None,
            retention_days: None,
            retention_span: None,
            necessity: None,
            mandate: None,
            agent_emotion: None,
        })
    }
}

fn default_consent_answers() -> Vec<String> {
    ["1", "yes", "y", "ja"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Looks for `reclint.toml` or `.reclint.toml` in `start` and its ancestors,
/// stopping at the repository root (a directory holding `.git`).
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        for name in CONFIG_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// A configuration file, read and validated except for the rules it names
/// (`[rules]`, `[[ignore]] rules`): those may be custom rules of its
/// `rule-dirs`, known once the command has loaded them.
#[derive(Debug)]
pub struct Loaded {
    config: Config,
    /// Codes or names of rules as written, in the order they are read.
    named: Vec<Spanned<String>>,
    /// The error in `[rules]`, `[[ignore]]` or `[files]`, if any. These
    /// tables are read after the custom rules are loaded, so the rule
    /// files' errors and a rule named unknown before it come first.
    deferred: Option<Report>,
    file: FileText,
}

impl Loaded {
    /// `rule-dirs`, resolved against the configuration's directory.
    pub fn rule_dirs(&self) -> &[PathBuf] {
        &self.config.rule_dirs
    }

    /// The configuration, with the rules it names as their codes in
    /// `catalog` (the built-in rules and the custom rules of `rule-dirs`). A
    /// name no rule has is an error pointing into the file.
    pub fn resolve(self, catalog: &Catalog) -> miette::Result<Config> {
        let Loaded {
            mut config,
            named,
            deferred,
            file,
        } = self;
        let mut codes = BTreeMap::new();
        for value in &named {
            let rule = catalog.find(value.get_ref()).ok_or_else(|| {
                file.error(
                    value.span(),
                    format!("unknown rule `{}`", value.get_ref()),
                    "no rule has this code or name",
                    Some("`reclint rules` lists the rules".into()),
                )
            })?;
            codes.insert(value.get_ref().clone(), rule.code.clone());
        }
        if let Some(error) = deferred {
            return Err(error);
        }
        let code = |written: &String| codes.get(written).cloned().unwrap_or_default();
        let rules = &mut config.rules;
        rules.severity = std::mem::take(&mut rules.severity)
            .into_iter()
            .map(|(written, severity)| (code(&written), severity))
            .collect();
        rules.select = rules.select.iter().map(code).collect();
        rules.ignore = rules.ignore.iter().map(code).collect();
        for entry in &mut config.ignores {
            entry.rules = entry.rules.iter().map(code).collect();
        }
        Ok(config)
    }
}

/// The configuration file as read, for errors that point into it.
#[derive(Debug)]
struct FileText {
    id: FileId,
    display: String,
    text: String,
}

impl FileText {
    fn error(
        &self,
        range: Range<usize>,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> Report {
        let mut diagnostic = MietteDiagnostic::new(message)
            .with_code("reclint::config")
            .with_label(LabeledSpan::at(range, label));
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        Report::new(diagnostic)
            .with_source_code(NamedSource::new(self.display.clone(), self.text.clone()))
    }

    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.id, range.start, range.end)
    }

    /// Path globs, each checked where it is written.
    fn path_globs(&self, patterns: &[Spanned<String>]) -> miette::Result<GlobSet> {
        for p in patterns {
            glob::Glob::new(p.get_ref(), GlobKind::Path)
                .map_err(|e| self.error(p.span(), e, "invalid glob", None))?;
        }
        let plain: Vec<String> = patterns.iter().map(|p| p.get_ref().clone()).collect();
        GlobSet::new(&plain, GlobKind::Path).map_err(|e| miette::miette!("{e}"))
    }

    /// Reads the file at `path` and adds it to `sources`.
    fn read(path: &Path, cwd: &Path, sources: &mut SourceMap) -> miette::Result<FileText> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            miette::miette!(
                code = "reclint::config",
                "cannot read configuration file {}: {e}",
                path.display()
            )
        })?;
        let display = crate::source::display_path(path, cwd);
        let id = sources.add(SourceFile::new(
            path.to_path_buf(),
            display.clone(),
            text.clone(),
        ));
        Ok(FileText { id, display, text })
    }

    /// `[policy] jurisdiction`, checked.
    fn jurisdiction(&self, raw: Option<&Spanned<String>>) -> miette::Result<Jurisdiction> {
        Ok(match raw {
            Some(j) => Jurisdiction::parse(j.get_ref()).ok_or_else(|| {
                self.error(
                    j.span(),
                    format!("unknown jurisdiction `{}`", j.get_ref()),
                    "not a jurisdiction reclint knows",
                    Some("use EU, an EU/EEA country code (DK, DE, FR, NO, ...), UK, CA, BR, IN, US or US-XX (e.g. US-CA)".into()),
                )
            })?,
            None => Jurisdiction::default(),
        })
    }

    /// `[policy] sector`, checked.
    fn sector(&self, raw: Option<&Spanned<String>>) -> miette::Result<Sector> {
        Ok(match raw {
            Some(s) => Sector::parse(s.get_ref()).ok_or_else(|| {
                self.error(
                    s.span(),
                    format!("unknown sector `{}`", s.get_ref()),
                    "not a sector reclint knows",
                    Some(format!("use one of: {}", Sector::NAMES.join(", "))),
                )
            })?,
            None => Sector::General,
        })
    }

    /// The `[purposes.NAME]` tables, their legal bases checked.
    fn purposes(
        &self,
        raw: &BTreeMap<String, Spanned<RawPurpose>>,
    ) -> miette::Result<BTreeMap<String, Purpose>> {
        let mut purposes = BTreeMap::new();
        for (name, declared) in raw {
            let table_span = declared.span();
            let declared = declared.get_ref();
            let (legal_basis, basis_span) = match &declared.legal_basis {
                Some(b) => {
                    let basis = LegalBasis::NAMES
                        .iter()
                        .find(|(n, _)| *n == b.get_ref().as_str())
                        .map(|(_, basis)| *basis)
                        .ok_or_else(|| {
                            self.error(
                                b.span(),
                                format!("unknown legal basis `{}`", b.get_ref()),
                                "not a legal basis",
                                Some(format!(
                                    "use one of: {}",
                                    LegalBasis::NAMES
                                        .iter()
                                        .map(|(n, _)| *n)
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )),
                            )
                        })?;
                    (basis, Some(self.span(b.span())))
                }
                None => (LegalBasis::Consent, None),
            };
            purposes.insert(
                name.clone(),
                Purpose {
                    name: name.clone(),
                    legal_basis,
                    basis_declared: declared.legal_basis.is_some(),
                    span: Some(self.span(table_span)),
                    basis_span,
                    retention_days: declared.retention_days.as_ref().map(|d| *d.get_ref()),
                    retention_span: declared
                        .retention_days
                        .as_ref()
                        .map(|d| self.span(d.span())),
                    necessity: declared.necessity.clone().filter(|s| !s.trim().is_empty()),
                    mandate: declared.mandate.clone().filter(|s| !s.trim().is_empty()),
                    agent_emotion: declared
                        .agent_emotion
                        .clone()
                        .filter(|s| !s.trim().is_empty()),
                },
            );
        }
        Ok(purposes)
    }

    /// `rule-dirs`, relative to `base` (this file's directory); each must exist.
    fn rule_dirs(&self, dirs: &[Spanned<String>], base: &Path) -> miette::Result<Vec<PathBuf>> {
        let mut rule_dirs = Vec::new();
        for dir in dirs {
            let resolved = base.join(dir.get_ref());
            if !resolved.is_dir() {
                return Err(self.error(
                    dir.span(),
                    format!("rule directory `{}` does not exist", dir.get_ref()),
                    "not a directory",
                    Some("`rule-dirs` paths are relative to this file".into()),
                ));
            }
            rule_dirs.push(resolved);
        }
        Ok(rule_dirs)
    }
}

/// Reads and validates a configuration file. The file is added to `sources`
/// so that findings (REC010) can point into it.
pub fn load(path: &Path, cwd: &Path, sources: &mut SourceMap) -> miette::Result<Loaded> {
    let file = FileText::read(path, cwd, sources)?;
    let id = file.id;
    let raw: RawConfig = toml::from_str(&file.text).map_err(|e| {
        let range = e.span().unwrap_or(0..0);
        file.error(
            range,
            format!(
                "invalid configuration: {}",
                crate::suggest::plain_toml_message(e.message().trim_end())
            ),
            "here",
            Some("see the reclint.toml reference in README.md".into()),
        )
    })?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.to_path_buf());

    let jurisdiction = file.jurisdiction(raw.policy.jurisdiction.as_ref())?;
    let sector = file.sector(raw.policy.sector.as_ref())?;

    let purposes = file.purposes(&raw.purposes)?;

    let text_globs = |patterns: &[String], key: &str| -> miette::Result<()> {
        GlobSet::new(patterns, GlobKind::Text)
            .map(|_| ())
            .map_err(|e| miette::miette!(code = "reclint::config", "[recognize] {key}: {e}"))
    };
    text_globs(&raw.recognize.notice, "notice")?;
    text_globs(&raw.recognize.consent, "consent")?;

    let mut scopes = Vec::new();
    for scope in &raw.scope {
        scopes.push(Scope {
            paths: file.path_globs(&scope.paths)?,
            contexts: scope.contexts.clone(),
            purposes: scope.purposes.iter().map(|p| p.get_ref().clone()).collect(),
        });
    }

    let rule_dirs = file.rule_dirs(&raw.rule_dirs, &base)?;

    let mut config = Config {
        file: Some(id),
        profile: Profile {
            jurisdiction,
            sector,
        },
        default_purposes: raw
            .policy
            .default_purposes
            .iter()
            .map(|p| p.get_ref().clone())
            .collect(),
        consent_answers: raw
            .policy
            .consent_answers
            .unwrap_or_else(default_consent_answers),
        transfer_mechanism: raw
            .policy
            .transfer_mechanism
            .filter(|s| !s.trim().is_empty()),
        purposes,
        scopes,
        recognize: Recognize {
            notice: raw.recognize.notice,
            consent: raw.recognize.consent,
            consent_variables: raw.recognize.consent_variables,
            entry_points: raw.recognize.entry_points,
        },
        baseline: raw
            .baseline
            .as_ref()
            .filter(|b| !b.trim().is_empty())
            .map(|b| base.join(b)),
        rule_dirs,
        ..Config::default_for(&base)
    };
    let mut named = Vec::new();
    let deferred = read_settings(
        &raw.rules,
        &raw.ignore,
        &raw.files,
        &file,
        &mut config,
        &mut named,
    )
    .err();
    Ok(Loaded {
        config,
        named,
        deferred,
        file,
    })
}

/// Reads `[rules]`, `[[ignore]]` and `[files]` into `config`. The rules they
/// name are kept as written and listed in `named`, in order, for
/// [`Loaded::resolve`].
fn read_settings(
    rules: &RawRules,
    ignores: &[Spanned<RawIgnore>],
    files: &RawFiles,
    file: &FileText,
    config: &mut Config,
    named: &mut Vec<Spanned<String>>,
) -> miette::Result<()> {
    let mut rule_code = |value: &Spanned<String>| -> String {
        named.push(value.clone());
        value.get_ref().clone()
    };
    let severity_value = |value: &Spanned<String>| -> miette::Result<Severity> {
        Severity::parse(value.get_ref()).ok_or_else(|| {
            file.error(
                value.span(),
                format!("unknown severity `{}`", value.get_ref()),
                "expected error, warning or info",
                None,
            )
        })
    };
    let mut severity = BTreeMap::new();
    for (code, value) in &rules.severity {
        severity.insert(rule_code(code), severity_value(value)?);
    }
    config.rules = RuleSettings {
        select: rules.select.iter().map(&mut rule_code).collect(),
        ignore: rules.ignore.iter().map(&mut rule_code).collect(),
        severity,
        fail_on: match &rules.fail_on {
            Some(f) => severity_value(f)?,
            None => Severity::Error,
        },
    };

    for entry in ignores {
        let span_of_entry = file.span(entry.span());
        let entry = entry.get_ref();
        let expires = match &entry.expires {
            None => None,
            Some(value) => {
                let text = match value.get_ref() {
                    RawDate::Date(d) => d.to_string(),
                    RawDate::Text(t) => t.clone(),
                };
                Some(Date::parse(&text).ok_or_else(|| {
                    file.error(
                        value.span(),
                        format!("`{text}` is not a date"),
                        "expected a date such as 2027-03-31",
                        None,
                    )
                })?)
            }
        };
        config.ignores.push(IgnoreEntry {
            paths: file.path_globs(&entry.paths)?,
            rules: entry.rules.iter().map(&mut rule_code).collect(),
            anchor: entry.anchor.clone().filter(|a| !a.trim().is_empty()),
            reason: entry.reason.clone().filter(|r| !r.trim().is_empty()),
            expires,
            span: span_of_entry,
        });
    }

    config.include = file.path_globs(&files.include)?;
    config.exclude = file.path_globs(&files.exclude)?;
    Ok(())
}

// ---- Writing configuration (`reclint init`, `--show-config`) ---------------

/// `text` as a TOML string, quoted and escaped.
pub fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// `items` as a TOML array of strings on one line.
pub fn toml_string_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
    format!("[{}]", items.join(", "))
}

/// A key written in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenKey {
    /// The dotted path of the key: `policy.jurisdiction`,
    /// `purposes.training.legal-basis`, `rules.severity.REC009`; entries of
    /// arrays of tables carry their index: `scope[0].contexts`, `ignore[1]`.
    pub path: String,
    /// Byte range of the key (of the table header for tables) in the file.
    pub span: Range<usize>,
}

/// Lists the keys written in configuration text, tables and their entries
/// included, in file order. Text that is not TOML gives an empty list (`load`
/// reports it). Reading keys does not validate them.
pub fn written_keys(text: &str) -> Vec<WrittenKey> {
    use toml::de::{DeTable, DeValue};
    fn walk(table: &DeTable<'_>, prefix: &str, out: &mut Vec<WrittenKey>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.get_ref().to_string()
            } else {
                format!("{prefix}.{}", key.get_ref())
            };
            out.push(WrittenKey {
                path: path.clone(),
                span: key.span(),
            });
            match value.get_ref() {
                DeValue::Table(inner) => walk(inner, &path, out),
                DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let DeValue::Table(inner) = item.get_ref() {
                            let entry = format!("{path}[{i}]");
                            out.push(WrittenKey {
                                path: entry.clone(),
                                span: item.span(),
                            });
                            walk(inner, &entry, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(table) = DeTable::parse(text) {
        walk(table.get_ref(), "", &mut out);
    }
    out.sort_by_key(|k| k.span.start);
    out
}
