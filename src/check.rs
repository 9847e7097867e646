//! `reclint check`: the pipeline from paths to findings.
//!
//! discover → parse (per format) → lower to the flow graph → analyse →
//! evaluate rules → report.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{IntoDiagnostic, WrapErr, miette};

use crate::analysis::{self, PbxAnalysis, recognize::Recognizers};
use crate::config::{self, Config, Jurisdiction, Sector};
use crate::custom;
use crate::date::Date;
use crate::directives::DirectiveIndex;
use crate::discover::{self, Content, FileFilter};
use crate::finding::Severity;
use crate::finding::{Outcome, Reported};
use crate::lower::{self, LoadContext, Lowered};
use crate::parallel;
use crate::parse::{ParseError, Problems};
use crate::report;
use crate::rules::profiles::{self, UnderProfile};
use crate::rules::{Registry, RuleCheck, RuleContext};
use crate::source::{SourceFile, SourceMap, Span, display_path};
use crate::suppress::{self, baseline::Baseline};

/// Options of `reclint check` that shape what is linted and how.
#[derive(Debug, Default, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// Threads to use; `None`: one per core.
    pub jobs: Option<usize>,
    /// Lint this text, read from standard input, instead of `paths`.
    pub stdin: Option<StdinInput>,
    pub config: Option<PathBuf>,
    pub no_config: bool,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub fail_on: Option<Severity>,
    pub jurisdiction: Option<String>,
    pub sector: Option<String>,
    pub force_exclude: bool,
    pub no_inline_suppressions: bool,
    /// Report only findings not in this baseline (overrides `baseline =`).
    pub baseline: Option<PathBuf>,
    /// Record the run's findings as the baseline in this file.
    pub write_baseline: Option<PathBuf>,
    /// Remove stale entries from the baseline file.
    pub prune_baseline: bool,
    /// Directories of custom rules to load besides the configuration's
    /// `rule-dirs` (used by `reclint test`), relative to the current directory.
    pub rule_dirs: Vec<PathBuf>,
}

/// Configuration text read from standard input (`reclint check -`).
#[derive(Debug, Clone)]
pub struct StdinInput {
    /// The text, or why it cannot be read as configuration (binary, too large).
    pub text: Result<String, String>,
    /// `--stdin-filename`: the path the text stands for.
    pub filename: Option<PathBuf>,
}

/// Everything a report needs.
pub struct CheckRun {
    pub sources: SourceMap,
    pub outcome: Outcome,
    pub fail_on: Severity,
    /// Messages about the run itself (baseline written, stale entries), for stderr.
    pub notes: Vec<String>,
    /// The rules of the run: the built-in ones and the configuration's
    /// custom rules, for the reports.
    pub registry: Registry,
}

pub fn run(options: &CheckOptions, cwd: &Path, registry: &Registry) -> miette::Result<CheckRun> {
    let mut sources = SourceMap::default();
    let (mut config, registry) = load_config(options, cwd, &mut sources, registry)?;
    let registry = &registry;
    apply_overrides(options, &mut config, registry)?;
    let config_files = sources.len();
    let jobs = options.jobs.unwrap_or_else(parallel::default_jobs).max(1);

    let filter = FileFilter {
        base: config.base.clone(),
        include: config.include.clone(),
        exclude: config.exclude.clone(),
    };
    let (inputs, found) = match &options.stdin {
        Some(stdin) => {
            let found = discover::stdin(
                stdin.text.clone(),
                stdin.filename.as_deref(),
                &filter,
                cwd,
                options.force_exclude,
            )
            .map_err(|e| {
                miette!(
                    code = "reclint::input",
                    help = "name the file with --stdin-filename, e.g. --stdin-filename extensions.conf",
                    "{e}"
                )
            })?;
            let named = cwd.join(stdin.filename.as_deref().unwrap_or(Path::new(".")));
            (vec![named], found.into_iter().collect())
        }
        None => {
            let inputs: Vec<PathBuf> = if options.paths.is_empty() {
                vec![cwd.to_path_buf()]
            } else {
                options.paths.iter().map(|p| cwd.join(p)).collect()
            };
            let found = discover::discover(&inputs, &filter, cwd, options.force_exclude, jobs)
                .map_err(|(path, error)| {
                    miette!(
                        code = "reclint::io",
                        help = "check the path; reclint lints files and directories",
                        "cannot read {}: {error}",
                        display_path(&path, cwd)
                    )
                })?;
            (inputs, found)
        }
    };

    let mut problems = Problems::default();
    let mut files = Vec::new();
    for file in found {
        match file.content {
            Content::Text { kind, text } => {
                files.push((
                    sources.add(SourceFile::new(file.path, file.display, text)),
                    kind,
                ));
            }
            Content::Unreadable { reason } => {
                let id = sources.add(SourceFile::new(file.path, file.display, String::new()));
                problems.parse_errors.push(ParseError::new(
                    Span::new(id, 0, 0),
                    format!("cannot read this file: {reason}"),
                    "file not analysed",
                ));
            }
        }
    }

    // Includes may only read below the paths being linted.
    let roots: Vec<PathBuf> = inputs
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or_default()
            }
        })
        .collect();
    let mut cx = LoadContext {
        sources: &mut sources,
        problems: &mut problems,
        config: &config,
        roots: &roots,
        cwd,
        jobs,
    };
    let Lowered {
        graphs,
        infrastructure,
        comments,
    } = lower::load(&files, &mut cx);
    let directives = DirectiveIndex::build(&sources, &comments);
    let recognizers = Recognizers::new(
        &config.recognize.notice,
        &config.recognize.consent,
        &config.recognize.consent_variables,
        &config.consent_answers,
    )
    .map_err(|e| miette!(code = "reclint::config", "{e}"))?;
    let analyses: Vec<PbxAnalysis> = parallel::map(graphs, jobs, |graph| {
        analysis::analyse(graph, &config, &recognizers, &directives, &sources)
    });

    let context = RuleContext {
        sources: &sources,
        config: &config,
        analyses: &analyses,
        infrastructure: &infrastructure,
        files: &files,
        problems: &problems,
    };
    let settings = &config.rules;
    let enabled = |code: &str| {
        (settings.select.is_empty() || settings.select.iter().any(|c| c == code))
            && !settings.ignore.iter().any(|c| c == code)
    };
    // `[rules.severity]` wins over the profile, which wins over the default.
    let severity = |code: &str| {
        settings.severity.get(code).copied().or_else(|| {
            match profiles::under_profile(code, &config.profile) {
                UnderProfile::Severity(severity) => Some(severity),
                UnderProfile::Off | UnderProfile::Default => None,
            }
        })
    };
    let findings = registry.run(&context, &enabled);
    let mut reported = report::finish(findings, &sources, registry, severity);
    let facts = suppress::apply(
        &mut reported,
        &directives,
        &config,
        registry,
        &enabled,
        &sources,
        !options.no_inline_suppressions,
        Date::today(),
    );
    let meta = registry.run_on_suppressions(&facts, &enabled);
    reported.extend(report::finish(meta, &sources, registry, severity));
    report::sort(&mut reported);
    let notes = apply_baseline(options, &config, cwd, &mut reported)?;
    let files = sources.len() - config_files;
    Ok(CheckRun {
        outcome: Outcome { reported, files },
        fail_on: settings.fail_on,
        sources,
        notes,
        registry: registry.clone(),
    })
}

/// Writes, applies or prunes the baseline; returns notes for the user.
fn apply_baseline(
    options: &CheckOptions,
    config: &Config,
    cwd: &Path,
    reported: &mut [Reported],
) -> miette::Result<Vec<String>> {
    let mut notes = Vec::new();
    if let Some(path) = &options.write_baseline {
        let path = cwd.join(path);
        let baseline = Baseline::of(reported);
        baseline.write(&path)?;
        let name = display_path(&path, cwd);
        baseline.apply(reported, &name);
        let count: usize = baseline.entries.iter().map(|e| e.count).sum();
        notes.push(format!("wrote baseline {name} with {count} finding(s)"));
        return Ok(notes);
    }
    let Some(path) = options
        .baseline
        .as_ref()
        .map(|p| cwd.join(p))
        .or_else(|| config.baseline.clone())
    else {
        if options.prune_baseline {
            return Err(miette!(
                code = "reclint::usage",
                help = "name the baseline with --baseline FILE or `baseline =` in reclint.toml",
                "--prune-baseline needs a baseline"
            ));
        }
        return Ok(notes);
    };
    let name = display_path(&path, cwd);
    let baseline = Baseline::read(&path)?;
    let stale = baseline.apply(reported, &name);
    if options.prune_baseline {
        let pruned = baseline.pruned(reported);
        pruned.write(&path)?;
        let removed: usize = stale.iter().map(|s| s.missing).sum();
        notes.push(format!(
            "pruned baseline {name}: removed {removed} stale finding(s)"
        ));
    } else if !stale.is_empty() {
        notes.push(format!(
            "baseline {name} has {} stale entr{} (fixed findings; remove them with --prune-baseline):",
            stale.len(),
            if stale.len() == 1 { "y" } else { "ies" }
        ));
        for s in &stale {
            notes.push(format!(
                "  {} {}: {} fewer finding(s)",
                s.path, s.rule, s.missing
            ));
        }
    }
    Ok(notes)
}

/// Finds and reads the configuration: `--config`, else `reclint.toml` or
/// `.reclint.toml` in `cwd` or an ancestor, else the defaults (`--no-config`
/// too); with the rules of the run: the built-in ones and the custom rules of
/// `rule-dirs` and `options.rule_dirs`. Files read are added to `sources`.
pub fn load_config(
    options: &CheckOptions,
    cwd: &Path,
    sources: &mut SourceMap,
    builtin: &Registry,
) -> miette::Result<(Config, Registry)> {
    let path = match &options.config {
        _ if options.no_config => None,
        Some(path) => {
            let path = cwd.join(path);
            if !path.is_file() {
                return Err(miette!(
                    code = "reclint::config",
                    "configuration file {} not found",
                    path.display()
                ));
            }
            Some(path)
        }
        None => config::discover(cwd),
    };
    let extra_rule_dirs: Vec<PathBuf> = options.rule_dirs.iter().map(|d| cwd.join(d)).collect();
    match path {
        Some(path) => load_config_file(&path, cwd, sources, builtin, &extra_rule_dirs),
        None => {
            let registry = with_custom_rules(builtin, &extra_rule_dirs, cwd, sources)?;
            Ok((Config::default_for(cwd), registry))
        }
    }
}

/// Reads the configuration file at `path` with the rules of its run: the
/// built-in ones and the custom rules of its `rule-dirs` and of
/// `extra_rule_dirs`, against which the rules it names are resolved. Files
/// read are added to `sources`.
pub fn load_config_file(
    path: &Path,
    cwd: &Path,
    sources: &mut SourceMap,
    builtin: &Registry,
    extra_rule_dirs: &[PathBuf],
) -> miette::Result<(Config, Registry)> {
    let loaded = config::load(path, cwd, sources)?;
    let dirs: Vec<PathBuf> = loaded
        .rule_dirs()
        .iter()
        .chain(extra_rule_dirs)
        .cloned()
        .collect();
    let registry = with_custom_rules(builtin, &dirs, cwd, sources)?;
    let config = loaded.resolve(&registry)?;
    Ok((config, registry))
}

/// The rules of a run: the built-in ones and the custom rules of `rule_dirs`
/// (rule files read are added to `sources`). Every command that runs or
/// names custom rules builds its registry here.
pub fn with_custom_rules(
    builtin: &Registry,
    rule_dirs: &[PathBuf],
    cwd: &Path,
    sources: &mut SourceMap,
) -> miette::Result<Registry> {
    let custom = custom::load(rule_dirs, cwd, sources, builtin)?;
    Ok(builtin.with_custom(
        custom
            .into_iter()
            .map(|rule| (Arc::clone(&rule.meta), rule as Arc<dyn RuleCheck>)),
    ))
}

/// Command-line settings win over the configuration file.
pub fn apply_overrides(
    options: &CheckOptions,
    config: &mut Config,
    registry: &Registry,
) -> miette::Result<()> {
    if let Some(j) = &options.jurisdiction {
        config.profile.jurisdiction = Jurisdiction::parse(j).ok_or_else(|| {
            miette!(
                code = "reclint::usage",
                help = "use EU, an EU/EEA country code (DK, DE, NO, ...), UK, CA, US or US-XX (e.g. US-CA)",
                "unknown jurisdiction `{j}`"
            )
        })?;
    }
    if let Some(s) = &options.sector {
        config.profile.sector = Sector::parse(s).ok_or_else(|| {
            miette!(
                code = "reclint::usage",
                help = format!("use one of: {}", Sector::NAMES.join(", ")),
                "unknown sector `{s}`"
            )
        })?;
    }
    let codes = |list: &[String]| -> miette::Result<Vec<String>> {
        list.iter()
            .flat_map(|item| item.split(','))
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| {
                registry
                    .find(c)
                    .map(|r| r.meta.code.clone())
                    .ok_or_else(|| {
                        miette!(
                            code = "reclint::usage",
                            help = "`reclint rules` lists the rules",
                            "unknown rule `{c}`"
                        )
                    })
            })
            .collect()
    };
    if let Some(select) = &options.select {
        config.rules.select = codes(select)?;
    }
    config.rules.ignore.extend(codes(&options.ignore)?);
    if let Some(fail_on) = options.fail_on {
        config.rules.fail_on = fail_on;
    }
    Ok(())
}

/// Writes `text` to `output` or standard output.
pub fn write_output(text: &str, output: Option<&Path>) -> miette::Result<()> {
    match output {
        Some(path) => std::fs::write(path, text)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display())),
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`reclint check | head`) is not an error.
            match stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
            {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.into_diagnostic(),
            }
        }
    }
}
