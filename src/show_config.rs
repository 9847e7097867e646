//! `reclint check --show-config`: the configuration a check would use, after
//! `--config` or discovery and the command-line overrides, with where each
//! value came from: `default`, `FILE:LINE` (the key in the configuration
//! file) or `command line`.
//!
//! The output is meant for people: one `key = value  # origin` line per value,
//! TOML-like but not always TOML (absent values print as `(none)`).

use crate::hash::HashMap;
use std::path::Path;

use crate::check::{self, CheckOptions};
use crate::config::{self, Config};
use crate::rules::Registry;
use crate::source::{SourceMap, display_path};

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    /// `path:line` of the key in the configuration file.
    File(String),
    CommandLine,
    /// Values from the file with more added on the command line
    /// (`--ignore` adds to `[rules] ignore`).
    FileAndCommandLine(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(at) => f.write_str(at),
            Origin::CommandLine => f.write_str("command line"),
            Origin::FileAndCommandLine(at) => write!(f, "{at} + command line"),
        }
    }
}

/// The keys written in the configuration file, by dotted path, as `path:line`.
struct Written {
    at: HashMap<String, String>,
    /// The file as a TOML table, for values the validated configuration keeps
    /// only in compiled form (glob patterns).
    table: toml::Table,
}

impl Written {
    fn none() -> Written {
        Written {
            at: HashMap::default(),
            table: toml::Table::new(),
        }
    }

    fn origin(&self, key: &str) -> Option<String> {
        self.at.get(key).cloned()
    }

    /// File or default.
    fn file_or_default(&self, key: &str) -> Origin {
        self.origin(key)
            .map(Origin::File)
            .unwrap_or(Origin::Default)
    }

    /// Command line, else file, else default.
    fn with_flag(&self, flag_given: bool, key: &str) -> Origin {
        if flag_given {
            Origin::CommandLine
        } else {
            self.file_or_default(key)
        }
    }

    /// The strings of an array in the file: `files.include`, `scope[0].paths`.
    fn strings(&self, path: &[Step]) -> Vec<String> {
        let mut value: Option<&toml::Value> = None;
        let mut table = Some(&self.table);
        for step in path {
            value = match step {
                Step::Key(k) => table.and_then(|t| t.get(*k)),
                Step::Index(i) => value.and_then(|v| v.as_array()).and_then(|a| a.get(*i)),
            };
            table = value.and_then(|v| v.as_table());
        }
        value
            .and_then(|v| v.as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

enum Step {
    Key(&'static str),
    Index(usize),
}

/// `# configuration file: ...`: which file is in use and how it was found.
fn config_file_line(options: &CheckOptions, config: &Config, sources: &SourceMap) -> String {
    match config.file {
        Some(id) => {
            let how = if options.config.is_some() {
                "given with --config"
            } else {
                "found from the linted paths up to the repository root"
            };
            format!("# configuration file: {} ({how})\n", sources.get(id).display)
        }
        None if options.no_config => "# configuration file: none (--no-config)\n".to_string(),
        None => "# configuration file: none (no reclint.toml or .reclint.toml in the linted paths' directories or their parents up to the repository root)\n".to_string(),
    }
}

/// `--show-files`: the configuration file in use, then every path
/// discovery looked at, with the kind of file it is or why it is not
/// linted. Lints nothing.
pub fn render_files(
    options: &CheckOptions,
    cwd: &Path,
    builtin: &Registry,
) -> miette::Result<String> {
    let mut sources = SourceMap::default();
    let (config, _) = check::load_config(options, cwd, &mut sources, builtin)?;
    let jobs = options
        .jobs
        .unwrap_or_else(crate::parallel::default_jobs)
        .max(1);
    let workspace = check::discover_workspace(options, &config, cwd, jobs)?;
    let mut out =
        String::from("# The files `reclint check` reads here, and why others are skipped.\n");
    out.push_str(&config_file_line(options, &config, &sources));
    let listing: Vec<(&str, &str)> = workspace.listing().collect();
    let width = listing
        .iter()
        .map(|(path, _)| path.chars().count())
        .max()
        .unwrap_or(0);
    for (path, what) in listing {
        let pad = width - path.chars().count();
        out.push_str(&format!("{path}{}  {what}\n", " ".repeat(pad)));
    }
    Ok(out)
}

/// The resolved configuration, one `key = value  # origin` line per value.
pub fn render(options: &CheckOptions, cwd: &Path, builtin: &Registry) -> miette::Result<String> {
    let mut sources = SourceMap::default();
    let (mut config, registry) = check::load_config(options, cwd, &mut sources, builtin)?;
    let registry = &registry;
    check::apply_overrides(options, &mut config, registry)?;
    // The custom rules follow the built-in ones.
    let custom: Vec<&str> = registry.rules[builtin.rules.len()..]
        .iter()
        .map(|r| r.meta.code.as_str())
        .collect();

    let mut out = String::from(
        "# The configuration `reclint check` uses here, and where each value comes from.\n",
    );
    out.push_str(&config_file_line(options, &config, &sources));
    let written = match config.file {
        Some(id) => {
            let file = sources.get(id);
            let mut at = HashMap::default();
            for key in config::written_keys(&file.text) {
                let line = file.line_col(key.span.start as u32).line;
                at.entry(key.path)
                    .or_insert_with(|| format!("{}:{line}", file.display));
            }
            let table = toml::from_str::<toml::Table>(&file.text).unwrap_or_default();
            Written { at, table }
        }
        None => Written::none(),
    };

    let rows = rows(options, cwd, &config, &written, registry, &custom);
    let width = rows
        .iter()
        .map(|(left, _)| left.chars().count())
        .filter(|w| *w <= 60)
        .max()
        .unwrap_or(0);
    for (left, origin) in rows {
        let pad = width.saturating_sub(left.chars().count());
        out.push_str(&format!("{left}{}  # {origin}\n", " ".repeat(pad)));
    }
    Ok(out)
}

/// The rows shown: `key = value` and where the value comes from.
struct Rows(Vec<(String, Origin)>);

impl Rows {
    fn row(&mut self, key: &str, value: String, origin: Origin) {
        self.0.push((format!("{key} = {value}"), origin));
    }
}

fn rows(
    options: &CheckOptions,
    cwd: &Path,
    config: &Config,
    written: &Written,
    registry: &Registry,
    custom: &[&str],
) -> Vec<(String, Origin)> {
    let mut out = Rows(Vec::new());
    baseline_rows(&mut out, options, cwd, config, written, custom);
    policy_rows(&mut out, options, config, written);
    purpose_rows(&mut out, config, written);
    scope_rows(&mut out, config, written);
    recognize_rows(&mut out, config, written);
    rules_rows(&mut out, options, config, written, registry);
    ignore_rows(&mut out, config, written);
    // Command-line only.
    out.row(
        "inline-suppressions",
        (!options.no_inline_suppressions).to_string(),
        if options.no_inline_suppressions {
            Origin::CommandLine
        } else {
            Origin::Default
        },
    );
    out.0
}

/// `baseline` and `rule-dirs`.
fn baseline_rows(
    out: &mut Rows,
    options: &CheckOptions,
    cwd: &Path,
    config: &Config,
    written: &Written,
    custom: &[&str],
) {
    match (&options.baseline, &config.baseline) {
        (Some(path), _) => out.row(
            "baseline",
            config::toml_string(&display_path(&cwd.join(path), cwd)),
            Origin::CommandLine,
        ),
        (None, Some(path)) => out.row(
            "baseline",
            config::toml_string(&display_path(path, cwd)),
            written.file_or_default("baseline"),
        ),
        (None, None) => out.row("baseline", "(none)".into(), Origin::Default),
    }
    let dirs: Vec<String> = config
        .rule_dirs
        .iter()
        .map(|d| display_path(d, cwd))
        .collect();
    out.row(
        "rule-dirs",
        if custom.is_empty() {
            config::toml_string_list(&dirs)
        } else {
            format!(
                "{} ({})",
                config::toml_string_list(&dirs),
                custom.join(", ")
            )
        },
        written.file_or_default("rule-dirs"),
    );
}

/// `[policy]`.
fn policy_rows(out: &mut Rows, options: &CheckOptions, config: &Config, written: &Written) {
    out.row(
        "policy.jurisdiction",
        config::toml_string(&config.profile.jurisdiction.to_string()),
        written.with_flag(options.jurisdiction.is_some(), "policy.jurisdiction"),
    );
    out.row(
        "policy.sector",
        config::toml_string(config.profile.sector.as_str()),
        written.with_flag(options.sector.is_some(), "policy.sector"),
    );
    out.row(
        "policy.default-purposes",
        config::toml_string_list(&config.default_purposes),
        written.file_or_default("policy.default-purposes"),
    );
    out.row(
        "policy.consent-answers",
        config::toml_string_list(&config.consent_answers),
        written.file_or_default("policy.consent-answers"),
    );
    out.row(
        "policy.transfer-mechanism",
        config
            .transfer_mechanism
            .as_deref()
            .map(config::toml_string)
            .unwrap_or_else(|| "(none)".into()),
        written.file_or_default("policy.transfer-mechanism"),
    );
}

/// `[purposes.NAME]`, in file order.
fn purpose_rows(out: &mut Rows, config: &Config, written: &Written) {
    if config.purposes.is_empty() {
        out.row("purposes", "{} (none declared)".into(), Origin::Default);
    }
    // In file order.
    let mut purposes: Vec<_> = config.purposes.iter().collect();
    purposes.sort_by_key(|(_, p)| p.span.map(|s| s.start));
    for (name, purpose) in purposes {
        let key = format!("purposes.{name}");
        let basis_key = format!("{key}.legal-basis");
        let origin = if purpose.basis_declared {
            written.file_or_default(&basis_key)
        } else {
            // The table is written, its basis is not: consent by default.
            Origin::Default
        };
        out.row(
            &basis_key,
            config::toml_string(purpose.legal_basis.as_str()),
            origin,
        );
        if let Some(days) = purpose.retention_days {
            let k = format!("{key}.retention-days");
            out.row(&k, days.to_string(), written.file_or_default(&k));
        }
        if let Some(necessity) = &purpose.necessity {
            let k = format!("{key}.necessity");
            out.row(
                &k,
                config::toml_string(necessity),
                written.file_or_default(&k),
            );
        }
        if let Some(mandate) = &purpose.mandate {
            let k = format!("{key}.mandate");
            out.row(
                &k,
                config::toml_string(mandate),
                written.file_or_default(&k),
            );
        }
    }
}

/// `[[scope]]`.
fn scope_rows(out: &mut Rows, config: &Config, written: &Written) {
    out.row(
        "scope",
        format!(
            "{} entr{}",
            config.scopes.len(),
            plural_y(config.scopes.len())
        ),
        written.file_or_default("scope"),
    );
    for (i, scope) in config.scopes.iter().enumerate() {
        let key = format!("scope[{i}]");
        let paths = written.strings(&[Step::Key("scope"), Step::Index(i), Step::Key("paths")]);
        if !paths.is_empty() {
            let k = format!("{key}.paths");
            out.row(
                &k,
                config::toml_string_list(&paths),
                written.file_or_default(&k),
            );
        }
        if !scope.contexts.is_empty() {
            let k = format!("{key}.contexts");
            out.row(
                &k,
                config::toml_string_list(&scope.contexts),
                written.file_or_default(&k),
            );
        }
        let k = format!("{key}.purposes");
        out.row(
            &k,
            config::toml_string_list(&scope.purposes),
            written.file_or_default(&k),
        );
    }
}

/// `[recognize]` and `[files]`.
fn recognize_rows(out: &mut Rows, config: &Config, written: &Written) {
    for (key, values) in [
        ("recognize.notice", &config.recognize.notice),
        ("recognize.consent", &config.recognize.consent),
        (
            "recognize.consent-variables",
            &config.recognize.consent_variables,
        ),
        ("recognize.entry-points", &config.recognize.entry_points),
    ] {
        out.row(
            key,
            config::toml_string_list(values),
            written.file_or_default(key),
        );
    }
    for (key, name) in [("files.include", "include"), ("files.exclude", "exclude")] {
        let patterns = written.strings(&[Step::Key("files"), Step::Key(name)]);
        out.row(
            key,
            config::toml_string_list(&patterns),
            written.file_or_default(key),
        );
    }
}

/// `[rules]`.
fn rules_rows(
    out: &mut Rows,
    options: &CheckOptions,
    config: &Config,
    written: &Written,
    registry: &Registry,
) {
    let select_value = if config.rules.select.is_empty() {
        "[] (all rules)".to_string()
    } else {
        config::toml_string_list(&config.rules.select)
    };
    out.row(
        "rules.select",
        select_value,
        written.with_flag(options.select.is_some(), "rules.select"),
    );
    let ignore_origin = match (written.origin("rules.ignore"), options.ignore.is_empty()) {
        (Some(at), false) => Origin::FileAndCommandLine(at),
        (Some(at), true) => Origin::File(at),
        (None, false) => Origin::CommandLine,
        (None, true) => Origin::Default,
    };
    out.row(
        "rules.ignore",
        config::toml_string_list(&config.rules.ignore),
        ignore_origin,
    );
    out.row(
        "rules.fail-on",
        config::toml_string(config.rules.fail_on.as_str()),
        written.with_flag(options.fail_on.is_some(), "rules.fail-on"),
    );
    // `[rules.severity]` keys may be rule names; find the line by code.
    let mut severity_lines: HashMap<String, String> = HashMap::default();
    for (path, at) in &written.at {
        if let Some(name) = path.strip_prefix("rules.severity.")
            && let Some(rule) = registry.find(name)
        {
            severity_lines.insert(rule.meta.code.clone(), at.clone());
        }
    }
    if config.rules.severity.is_empty() {
        out.row(
            "rules.severity",
            "{} (each rule's own)".into(),
            Origin::Default,
        );
    }
    for (code, severity) in &config.rules.severity {
        out.row(
            &format!("rules.severity.{code}"),
            config::toml_string(severity.as_str()),
            severity_lines
                .get(code)
                .cloned()
                .map(Origin::File)
                .unwrap_or(Origin::Default),
        );
    }
}

/// `[[ignore]]`.
fn ignore_rows(out: &mut Rows, config: &Config, written: &Written) {
    out.row(
        "ignore",
        format!(
            "{} entr{}",
            config.ignores.len(),
            plural_y(config.ignores.len())
        ),
        written.file_or_default("ignore"),
    );
    for (i, entry) in config.ignores.iter().enumerate() {
        let mut parts = Vec::new();
        let paths = written.strings(&[Step::Key("ignore"), Step::Index(i), Step::Key("paths")]);
        parts.push(format!(
            "paths = {}",
            if paths.is_empty() {
                "(every file)".into()
            } else {
                config::toml_string_list(&paths)
            }
        ));
        parts.push(format!(
            "rules = {}",
            if entry.rules.is_empty() {
                "(every rule)".into()
            } else {
                config::toml_string_list(&entry.rules)
            }
        ));
        if let Some(anchor) = &entry.anchor {
            parts.push(format!("anchor = {}", config::toml_string(anchor)));
        }
        parts.push(format!(
            "reason = {}",
            entry
                .reason
                .as_deref()
                .map(config::toml_string)
                .unwrap_or_else(|| "(none)".into())
        ));
        if let Some(expires) = &entry.expires {
            parts.push(format!("expires = {expires}"));
        }
        let key = format!("ignore[{i}]");
        out.row(
            &key,
            format!("{{ {} }}", parts.join(", ")),
            written.file_or_default(&key),
        );
    }
}

fn plural_y(n: usize) -> &'static str {
    if n == 1 { "y" } else { "ies" }
}
