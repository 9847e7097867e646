//! `reclint check`: the pipeline from paths to findings.
//!
//! discover → group into units → per unit, in parallel: parse (per format)
//! → lower to the flow graph → analyse → unit rules, then the unit's sources
//! and graphs are dropped → run-wide rules → suppressions → report.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{IntoDiagnostic, WrapErr, miette};

use crate::analysis::{self, PbxAnalysis, recognize::Recognizers};
use crate::config::{self, Config, Jurisdiction, Sector};
use crate::custom;
use crate::date::Date;
use crate::directives::{DirectiveIndex, Written};
use crate::discover::{self, FileFilter, FileKind};
use crate::evidence;
use crate::files::Overlay;
use crate::finding::{Finding, Outcome, Reported, Severity};
use crate::frontend::Lowered;
use crate::parallel;
use crate::parse::Problems;
use crate::report;
use crate::report::graph::FlowPicture;
use crate::report::html::Evidence;
use crate::rules::profiles::{self, UnderProfile};
use crate::rules::{Registry, RuleCheck, RuleContext, RunContext, RunFacts};
use crate::source::{FileId, SourceFile, SourceMap, display_path};
use crate::storage::Infrastructure;
use crate::suppress::{self, baseline::Baseline};
use crate::workspace::{Unit, Workspace};

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
    /// Rules added to the selection (`--extend-select`).
    pub extend_select: Vec<String>,
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
    /// Keep no source text once a unit is analysed: the report shows no
    /// excerpts. Otherwise the files findings point into are kept.
    pub drop_sources: bool,
    /// Keep each analysed graph as a picture, and the configuration in
    /// force, for `reclint graph` and the HTML report.
    pub evidence: bool,
    /// Texts that stand for files on disk (an editor's unsaved buffers,
    /// fixed texts being checked before they are written).
    pub overlay: Overlay,
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
    /// The configuration in force, and with `CheckOptions::evidence` the
    /// pictures of the graphs.
    pub evidence: Evidence,
}

pub fn run(options: &CheckOptions, cwd: &Path, registry: &Registry) -> miette::Result<CheckRun> {
    let mut sources = SourceMap::default();
    let (mut config, registry) = load_config(options, cwd, &mut sources, registry)?;
    let registry = &registry;
    apply_overrides(options, &mut config, registry)?;
    let config_files = sources.len();
    let jobs = options.jobs.unwrap_or_else(parallel::default_jobs).max(1);
    let workspace = discover_workspace(options, &config, cwd, jobs)?
        .keeping_statements(registry.reads_statements());
    let recognizers = Recognizers::new(
        &config.recognize.notice,
        &config.recognize.consent,
        &config.recognize.consent_variables,
        &config.consent_answers,
    )
    .map_err(|e| miette!(code = "reclint::config", "{e}"))?;
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

    // What belongs to the whole run is loaded first and kept: files that
    // could not be read, and the shared units (storage settings).
    let mut problems = Problems::default();
    problems
        .parse_errors
        .extend(workspace.add_unreadable(&mut sources));
    let mut shared = Lowered::default();
    let mut shared_files = Vec::new();
    for unit in workspace.units().iter().filter(|u| workspace.is_shared(u)) {
        let (lowered, files) = workspace.load(unit, &mut sources, &mut problems, &config, jobs);
        shared.extend(lowered);
        shared_files.extend(files);
    }
    let base = Arc::new(sources);
    let infrastructure = std::mem::take(&mut shared.infrastructure);
    let analyst = UnitAnalyst {
        config: &config,
        recognizers: &recognizers,
        registry,
        enabled: &enabled,
        infrastructure: &infrastructure,
        jobs,
        evidence: options.evidence,
    };
    let mut run = analyst.analyse(&base, shared, &shared_files, &problems);

    // Then each unit on its own, in parallel: its sources and graphs are
    // dropped as soon as its findings are made.
    let units: Vec<&Unit> = workspace
        .units()
        .iter()
        .filter(|u| !workspace.is_shared(u))
        .collect();
    // One large unit uses the threads itself; many share them out.
    let (outer, inner) = if units.len() > 1 {
        (jobs, 1)
    } else {
        (1, jobs)
    };
    let analyst = UnitAnalyst {
        jobs: inner,
        ..analyst
    };
    // Units join the run in order while later units are analysed; a slow
    // unit does not keep the threads from the units after it.
    // Each unit's findings are placed for the report as they join.
    let mut sources = SourceMap::layer(Arc::clone(&base));
    let mut reported: Vec<Reported> = Vec::new();
    parallel::for_each_in_order(
        units,
        outer,
        usize::MAX,
        |unit| analyst.run_unit(&workspace, unit, &base, options.drop_sources),
        |done| {
            merge_unit(&mut sources, done, &mut run);
            let findings = std::mem::take(&mut run.findings);
            reported.extend(report::place(findings, &sources, registry, &severity));
        },
    );

    let context = RunContext {
        sources: &sources,
        config: &config,
        infrastructure: &infrastructure,
        facts: &run.facts,
    };
    run.findings.extend(registry.run_on_run(&context, &enabled));
    reported.extend(report::place(run.findings, &sources, registry, &severity));
    let mut reported = report::finish(reported, &sources, jobs);
    let facts = suppress::apply(
        &mut reported,
        &run.written,
        &config,
        registry,
        &enabled,
        &sources,
        !options.no_inline_suppressions,
        Date::today(),
    );
    let meta = registry.run_on_suppressions(&facts, &enabled);
    let meta = report::place(meta, &sources, registry, &severity).collect();
    reported.extend(report::finish(meta, &sources, jobs));
    report::sort(&mut reported, &sources);
    let mut notes = workspace.not_analysed_notes();
    notes.extend(apply_baseline(options, &config, cwd, &mut reported)?);
    // Files recognised as holding no call flow were read and count as linted.
    let files = sources.len() - config_files + workspace.not_flows();
    let evidence = Evidence {
        pictures: run.pictures,
        policy: evidence::policy(&config, &sources, registry.catalog()),
    };
    Ok(CheckRun {
        outcome: Outcome { reported, files },
        fail_on: settings.fail_on,
        sources,
        notes,
        registry: registry.clone(),
        evidence,
    })
}

/// The files to lint: standard input, or what discovery finds below the
/// paths (the current directory when none is named), grouped into units.
pub fn discover_workspace(
    options: &CheckOptions,
    config: &Config,
    cwd: &Path,
    jobs: usize,
) -> miette::Result<Workspace> {
    let filter = FileFilter {
        base: config.base.clone(),
        include: config.include.clone(),
        exclude: config.exclude.clone(),
        skip_dirs: config
            .rule_dirs
            .iter()
            .chain(&options.rule_dirs)
            .map(|dir| cwd.join(dir).join("tests"))
            .collect(),
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
            let found = discover::discover(
                &inputs,
                &filter,
                cwd,
                options.force_exclude,
                jobs,
                &options.overlay,
            )
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
    Ok(Workspace::new(found, &inputs, cwd).reading(options.overlay.clone()))
}

/// What analyses a unit's graphs and runs the unit rules on them.
#[derive(Clone, Copy)]
struct UnitAnalyst<'a> {
    config: &'a Config,
    recognizers: &'a Recognizers,
    registry: &'a Registry,
    enabled: &'a (dyn Fn(&str) -> bool + Sync),
    infrastructure: &'a Infrastructure,
    /// Threads for the unit's graphs.
    jobs: usize,
    /// Keep the graphs as pictures.
    evidence: bool,
}

/// What is kept of a unit once it is analysed.
#[derive(Default)]
struct Analysed {
    findings: Vec<Finding>,
    /// Its `reclint:` directives, for the suppressions.
    written: Vec<Written>,
    facts: RunFacts,
    pictures: Vec<FlowPicture>,
}

impl UnitAnalyst<'_> {
    fn analyse(
        &self,
        sources: &SourceMap,
        lowered: Lowered,
        files: &[(FileId, FileKind)],
        problems: &Problems,
    ) -> Analysed {
        let directives = DirectiveIndex::build(sources, &lowered.comments);
        let analyses: Vec<PbxAnalysis> = parallel::map(lowered.graphs, self.jobs, |graph| {
            analysis::analyse(graph, self.config, self.recognizers, &directives, sources)
        });
        let context = RuleContext {
            sources,
            config: self.config,
            analyses: &analyses,
            infrastructure: self.infrastructure,
            files,
            problems,
            step_texts: Default::default(),
        };
        let mut facts = RunFacts::default();
        facts.gather(&context);
        let pictures = match self.evidence {
            true => analyses
                .iter()
                .map(|pbx| evidence::picture(pbx, sources, self.recognizers))
                .collect(),
            false => Vec::new(),
        };
        Analysed {
            findings: self.registry.run(&context, self.enabled),
            written: directives.written,
            facts,
            pictures,
        }
    }
}

/// A unit once analysed: its own files (numbered from `first` in its
/// layer), their texts evicted, and what was kept of it.
struct DoneUnit {
    first: FileId,
    files: Vec<SourceFile>,
    analysed: Analysed,
}

impl UnitAnalyst<'_> {
    /// Loads a unit in a layer over `base`, analyses it and runs the unit
    /// rules; then evicts its texts (all of them with `drop_sources`, else
    /// those no finding or directive points into).
    fn run_unit(
        &self,
        workspace: &Workspace,
        unit: &Unit,
        base: &Arc<SourceMap>,
        drop_sources: bool,
    ) -> DoneUnit {
        let mut sources = SourceMap::layer(Arc::clone(base));
        let mut problems = Problems::default();
        let (lowered, files) =
            workspace.load(unit, &mut sources, &mut problems, self.config, self.jobs);
        let analysed = self.analyse(&sources, lowered, &files, &problems);
        let first = sources.first_own();
        let mut files = sources.into_own();
        for (offset, file) in files.iter_mut().enumerate() {
            let id = FileId(first.0 + offset as u32);
            if drop_sources || !analysed.points_into(id) {
                file.evict();
            }
        }
        DoneUnit {
            first,
            files,
            analysed,
        }
    }
}

/// A unit's files join the run's `sources` (a layer over the run's own),
/// and what was kept of the unit joins `run`, renumbered; a file two units
/// read is one file. Units join in unit order.
fn merge_unit(sources: &mut SourceMap, done: DoneUnit, run: &mut Analysed) {
    let DoneUnit {
        first,
        files,
        mut analysed,
    } = done;
    let mut ids = Vec::with_capacity(files.len());
    let mut new = Vec::with_capacity(files.len());
    for file in files {
        let existing = sources.find(&file.path);
        new.push(existing.is_none());
        ids.push(existing.unwrap_or_else(|| sources.add(file)));
    }
    let renumber = |id: FileId| match id.0.checked_sub(first.0) {
        Some(own) => ids[own as usize],
        None => id,
    };
    // Directives of a file already read are there already.
    analysed.written.retain(|w| {
        w.file
            .0
            .checked_sub(first.0)
            .is_none_or(|own| new[own as usize])
    });
    analysed.map_files(&renumber);
    run.extend(analysed);
}

impl Analysed {
    /// Whether a finding or a directive points into `file`: its text is
    /// kept for the report's excerpts.
    fn points_into(&self, file: FileId) -> bool {
        self.findings.iter().any(|f| f.files().any(|id| id == file))
            || self.written.iter().any(|w| w.file == file)
    }

    fn map_files(&mut self, renumber: &impl Fn(FileId) -> FileId) {
        for finding in &mut self.findings {
            finding.map_files(renumber);
        }
        for written in &mut self.written {
            written.map_files(renumber);
        }
        self.facts.map_files(renumber);
    }

    /// Adds a later unit's findings, directives and facts.
    fn extend(&mut self, other: Analysed) {
        self.findings.extend(other.findings);
        self.written.extend(other.written);
        self.facts.extend(other.facts);
        self.pictures.extend(other.pictures);
    }
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
/// `.reclint.toml` found from the linted paths ([`config_of_paths`]), else
/// the defaults (`--no-config` too); with the rules of the run: the
/// built-in ones and the custom rules of `rule-dirs` and
/// `options.rule_dirs`. Files read are added to `sources`.
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
        None => config_of_paths(options, cwd)?,
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

/// The configuration file of the linted paths, as ruff finds it: from the
/// directory of each path (of `--stdin-filename` for standard input, the
/// current directory when no path is named) up to the repository root.
/// Paths that find different files cannot be linted in one run.
pub fn config_of_paths(options: &CheckOptions, cwd: &Path) -> miette::Result<Option<PathBuf>> {
    let named: Vec<PathBuf> = match &options.stdin {
        Some(stdin) => stdin.filename.iter().map(|f| cwd.join(f)).collect(),
        None => options.paths.iter().map(|p| cwd.join(p)).collect(),
    };
    let starts: Vec<PathBuf> = if named.is_empty() {
        vec![cwd.to_path_buf()]
    } else {
        named
            .iter()
            .map(|path| {
                let dir = if path.is_dir() {
                    path.as_path()
                } else {
                    path.parent().unwrap_or(cwd)
                };
                crate::source::canonical(dir)
            })
            .collect()
    };
    let mut found: Vec<Option<PathBuf>> = starts.iter().map(|s| config::discover(s)).collect();
    found.dedup();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => {
            let names: Vec<String> = found
                .iter()
                .map(|f| match f {
                    Some(path) => display_path(path, cwd),
                    None => "none".to_string(),
                })
                .collect();
            Err(miette!(
                code = "reclint::config",
                help = "lint them in separate runs, or name one configuration with --config",
                "the paths have different configurations ({})",
                names.join(", ")
            ))
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
    // Each selector is a code, a name, a code prefix or `ALL`.
    let codes = |list: &[String]| -> miette::Result<Vec<String>> {
        let mut codes: Vec<String> = Vec::new();
        for selector in list.iter().flat_map(|item| item.split(',')) {
            if selector.trim().is_empty() {
                continue;
            }
            let named = registry.select(selector).map_err(|message| {
                miette!(
                    code = "reclint::usage",
                    help = "`reclint rules` lists the rules; a code prefix (`REC0`) or `ALL` selects several",
                    "{message}"
                )
            })?;
            codes.extend(
                named
                    .into_iter()
                    .filter(|c| !codes.contains(c))
                    .collect::<Vec<_>>(),
            );
        }
        Ok(codes)
    };
    if let Some(select) = &options.select {
        config.rules.select = codes(select)?;
    }
    // `--extend-select` adds to the selection; with none, every rule runs.
    if !config.rules.select.is_empty() {
        for code in codes(&options.extend_select)? {
            if !config.rules.select.contains(&code) {
                config.rules.select.push(code);
            }
        }
    }
    config.rules.ignore.extend(codes(&options.ignore)?);
    if let Some(fail_on) = options.fail_on {
        config.rules.fail_on = fail_on;
    }
    Ok(())
}

/// Writes `text` to `output` or standard output.
pub fn write_output(text: &str, output: Option<&Path>) -> miette::Result<()> {
    write_output_with(output, |out| out.write_all(text.as_bytes()))
}

/// Writes to `output` or standard output as `write` produces the text,
/// buffered, without holding all of it.
pub fn write_output_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> miette::Result<()> {
    match output {
        Some(path) => std::fs::File::create(path)
            .map(std::io::BufWriter::new)
            .and_then(|mut file| {
                write(&mut file)?;
                file.flush()
            })
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display())),
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            // A closed pipe (`reclint check | head`) is not an error.
            match write(&mut stdout).and_then(|_| stdout.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.into_diagnostic(),
            }
        }
    }
}
