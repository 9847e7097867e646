//! The command line. Usage errors are miette diagnostics too, and
//! every failure of reclint itself exits with status 2.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use miette::IntoDiagnostic;

use crate::check::{self, CheckOptions, StdinInput};
use crate::explain;
use crate::finding::Severity;
use crate::fix;
use crate::graph::{self, GraphFormat, GraphOptions};
use crate::init;
use crate::report::{checkstyle, concise, github, gitlab, html, human, json, junit, sarif};
use crate::rules::Registry;
use crate::show_config;
use crate::source::read_stdin;
use crate::testing;

/// `reclint --version`: the package version and the commit it is built from.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("RECLINT_COMMIT"), ")");

#[derive(Debug, Parser)]
#[command(
    name = "reclint",
    version = VERSION,
    about = "Finds call recording that breaks data-protection law in PBX and contact-centre configuration"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint files and directories (default: the current directory).
    Check(Box<CheckArgs>),
    /// Explain one rule: what, why, example, fix, legal references.
    Rule {
        /// A rule code (REC001) or name (blanket-recording-without-consent).
        rule: String,
    },
    /// List the rules, or write their documentation pages.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
        /// With `--format markdown`: write one page per rule (RECnnn.md) and an
        /// index (README.md) into this directory instead of printing the index.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Only the rules that enforce this legal framework (`gdpr`,
        /// `pci-dss`, `mifid2`, ...): the part of a rule's tags before `:`.
        #[arg(long, value_name = "NAME")]
        framework: Option<String>,
    },
    /// Run the rule tests under DIR (default: the current directory): every
    /// `bad_*`, `ok_*` and `case_*` fixture in a directory named after a rule
    /// code must produce exactly the findings its `expect:` markers name.
    Test {
        /// Where to look for rule-test directories; rule files at its top (or,
        /// for a `tests` directory, its parent's) are loaded as custom rules.
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = TestFormat::Text)]
        format: TestFormat,
        /// Every finding in a fixture must be marked, not only those of the
        /// directory's rule and of the rules its markers name.
        #[arg(long)]
        exact: bool,
    },
    /// Draw the call-flow graph of each entry point (DOT, Mermaid, SVG or JSON).
    Graph(Box<GraphArgs>),
    /// Write a commented starter reclint.toml for the tree in the current directory.
    Init {
        /// Overwrite an existing reclint.toml or .reclint.toml.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (e.g. `reclint completions bash >
    /// ~/.local/share/bash-completion/completions/reclint`).
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff), e.g. `reclint man > reclint.1`.
    Man,
    /// Run the language server on standard input and output (for editors:
    /// diagnostics as you type, rule pages on hover, fixes and suppressions
    /// as code actions).
    Server,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Files and directories to lint; `-` reads one file from standard input.
    paths: Vec<PathBuf>,
    /// The path the text on standard input stands for: its name picks the
    /// format, findings show it, includes resolve next to it.
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Output format.
    #[arg(
        long = "output-format",
        visible_alias = "format",
        value_enum,
        default_value_t = OutputFormat::Human
    )]
    format: OutputFormat,
    /// Findings only: no summary line (human and concise output).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// How many findings each rule reported, instead of the findings.
    #[arg(long, conflicts_with_all = ["show_config", "show_files"])]
    statistics: bool,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    configuration: ConfigurationArgs,
    /// Only these rules: codes, names, code prefixes (`REC0`) or `ALL`,
    /// comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Option<Vec<String>>,
    /// Add these rules to the selection of reclint.toml or `--select`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    extend_select: Vec<String>,
    /// Skip these rules: codes, names, code prefixes or `ALL`, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Exit 0 even when findings are reported (errors of reclint still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Jurisdiction: EU, an EU/EEA country code, UK, CA, BR, IN, US or US-XX.
    #[arg(long)]
    jurisdiction: Option<String>,
    /// Sector: general, public-authority, emergency-services, financial-services, health, consumer-service.
    #[arg(long)]
    sector: Option<String>,
    /// Apply `[files] exclude` to paths named on the command line too.
    #[arg(long)]
    force_exclude: bool,
    /// Ignore `reclint: ignore` comments (audit the raw state).
    #[arg(long)]
    no_inline_suppressions: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write the findings of this run to a baseline file (they are then accepted).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "prune_baseline"])]
    write_baseline: Option<PathBuf>,
    /// Remove entries no finding matches any more from the baseline file.
    #[arg(long)]
    prune_baseline: bool,
    /// Exit 0 when the paths hold no file reclint reads; otherwise that is an
    /// error (status 2), so that a CI job that lints nothing does not pass.
    #[arg(long)]
    allow_no_files: bool,
    /// Colour in human output (NO_COLOR is respected).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Threads for reading files and analysing call flows (default: one per
    /// core). The output is the same for every N.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Print the configuration in use and where each value comes from, then exit without linting.
    #[arg(long)]
    show_config: bool,
    /// Print the configuration file in use and every file found, with its
    /// platform or why it is skipped, then exit without linting.
    #[arg(long, conflicts_with = "show_config")]
    show_files: bool,
    /// Apply the safe fixes to the files, then report what is left.
    #[arg(long, conflicts_with_all = ["show_config", "show_files", "write_baseline"])]
    fix: bool,
    /// With `--fix` or `--diff`: also the unsafe fixes, which change what a
    /// call does (review them).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1
    /// when there is one.
    #[arg(long, conflicts_with_all = ["fix", "show_config", "show_files", "write_baseline"])]
    diff: bool,
}

#[derive(Debug, clap::Args)]
struct GraphArgs {
    /// Files and directories to draw (default: the current directory).
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = GraphFormatArg::Dot)]
    format: GraphFormatArg,
    /// Only this entry point: its name (`200 in from-pstn`) or its context or flow.
    #[arg(long, value_name = "NAME")]
    entry: Option<String>,
    /// Mark the witness path of the finding with this fingerprint (from
    /// `reclint check --format json`); without --entry, draws its entry point.
    #[arg(long, value_name = "FINGERPRINT")]
    finding: Option<String>,
    /// Draw subroutine bodies instead of one node per call.
    #[arg(long)]
    expand: bool,
    /// Draw at most N steps; one node says how many more there are.
    #[arg(long, value_name = "N", default_value_t = crate::report::graph::DEFAULT_MAX_STEPS)]
    max_steps: usize,
    /// Write the graph to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    configuration: ConfigurationArgs,
}

/// Which reclint.toml a command reads.
#[derive(Debug, clap::Args)]
struct ConfigurationArgs {
    /// Use this configuration file instead of searching for reclint.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore any reclint.toml.
    #[arg(long)]
    no_config: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormatArg {
    /// Graphviz.
    Dot,
    Mermaid,
    /// Laid out by reclint, no external program needed.
    Svg,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    /// One line per finding: `path:line:col: CODE name message`.
    Concise,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions annotations.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    Checkstyle,
    Junit,
    /// A self-contained HTML evidence report (use with --output).
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TestFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Runs reclint with `args` (including the program name) and returns the exit status.
pub fn main(args: impl IntoIterator<Item = std::ffi::OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            use clap::error::ErrorKind;
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) {
                print!("{error}");
                return 0;
            }
            if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                eprint!("{error}");
                return 2;
            }
            let text = error.render().to_string();
            let message = text
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ")
                .to_string();
            let rest: Vec<&str> = text
                .lines()
                .skip(1)
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let report =
                miette::miette!(code = "reclint::usage", help = rest.join("\n"), "{message}");
            print_error(&report, colour_for_errors(ColorChoice::Auto));
            return 2;
        }
    };
    let registry = match Registry::builtin() {
        Ok(registry) => registry,
        Err(e) => {
            print_error(&miette::miette!(code = "reclint::internal", "{e}"), false);
            return 2;
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(*args, &registry),
        Command::Rule { rule } => with_configured_rules(&registry)
            .and_then(|registry| explain::rule(&registry, &rule))
            .and_then(|text| show_rule(&text)),
        Command::Rules {
            format,
            output,
            framework,
        } => with_configured_rules(&registry).and_then(|registry| {
            let registry = match framework {
                Some(framework) => of_framework(&registry, &framework, output.is_some())?,
                None => registry,
            };
            run_rules(format, output, &registry)
        }),
        Command::Test { dir, format, exact } => run_test(&dir, format, exact, &registry),
        Command::Graph(args) => run_graph(*args, &registry),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "reclint", &mut script);
            check::write_output(&String::from_utf8_lossy(&script), None).map(|_| 0)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .into_diagnostic()
                .and_then(|_| check::write_output(&String::from_utf8_lossy(&page), None))
                .map(|_| 0)
        }
        Command::Server => crate::server::run(&registry).map(|_| 0),
        Command::Init { force } => std::env::current_dir()
            .map_err(|e| {
                miette::miette!(
                    code = "reclint::io",
                    "cannot read the current directory: {e}"
                )
            })
            .and_then(|cwd| init::run(&cwd, force, &registry))
            .and_then(|text| check::write_output(&text, None).map(|_| 0)),
    };
    match result {
        Ok(status) => status,
        Err(report) => {
            print_error(&report, colour_for_errors(ColorChoice::Auto));
            2
        }
    }
}

/// `reclint rules`: the list as text or JSON, or the Markdown documentation
/// (the index on standard output, or every page written into `--output`).
fn run_rules(
    format: RulesFormat,
    output: Option<PathBuf>,
    registry: &Registry,
) -> miette::Result<u8> {
    let text = match (format, output) {
        (RulesFormat::Markdown, Some(dir)) => {
            return explain::write_rules_markdown(registry, &dir).map(|_| 0);
        }
        (RulesFormat::Markdown, None) => explain::rules_markdown_index(registry),
        (RulesFormat::Text | RulesFormat::Json, Some(_)) => {
            return Err(miette::miette!(
                code = "reclint::usage",
                help = "`--output DIR` writes the Markdown rule pages: `reclint rules --format markdown --output DIR`",
                "`reclint rules --output` needs `--format markdown`"
            ));
        }
        (RulesFormat::Text, None) => explain::rules_table(registry),
        (RulesFormat::Json, None) => explain::rules_json(registry),
    };
    check::write_output(&text, None).map(|_| 0)
}

/// The rules that enforce `framework`; an unknown framework is a usage
/// error naming the known ones.
fn of_framework(registry: &Registry, framework: &str, pages: bool) -> miette::Result<Registry> {
    if pages {
        return Err(miette::miette!(
            code = "reclint::usage",
            "`--framework` lists rules; the Markdown pages (`--output DIR`) are always written for every rule"
        ));
    }
    let mut known: Vec<&str> = Vec::new();
    for rule in &registry.rules {
        for name in rule.meta.frameworks() {
            if !known.contains(&name) {
                known.push(name);
            }
        }
    }
    if !known.contains(&framework) {
        known.sort_unstable();
        let suggestion = crate::suggest::closest(framework, known.iter().copied())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return Err(miette::miette!(
            code = "reclint::usage",
            help = format!("{suggestion}frameworks: {}", known.join(", ")),
            "no rule enforces framework `{framework}`"
        ));
    }
    Ok(registry.filtered(|meta| meta.frameworks().contains(&framework)))
}

/// `reclint test [DIR]`: status 0 when every rule test passes, 1 when one
/// fails, 2 when DIR is missing or a configuration or rule file cannot be
/// loaded.
fn run_test(
    dir: &std::path::Path,
    format: TestFormat,
    exact: bool,
    registry: &Registry,
) -> miette::Result<u8> {
    let cwd = std::env::current_dir().map_err(|e| {
        miette::miette!(
            code = "reclint::io",
            "cannot read the current directory: {e}"
        )
    })?;
    if !cwd.join(dir).is_dir() {
        return Err(miette::miette!(
            code = "reclint::usage",
            help = "name a directory that holds rule-test directories (e.g. `fixtures/asterisk/REC001/`)",
            "{} is not a directory",
            dir.display()
        ));
    }
    let rule_dirs = testing::custom_rule_dirs(dir, &cwd, registry)?;
    let runner = testing::Runner::new(registry, &cwd, rule_dirs)?.exact(exact);
    let run = runner.run(dir)?;
    // Nothing tested must not pass, as nothing linted does not.
    if run.rules.is_empty() {
        return Err(miette::miette!(
            code = "reclint::no-tests",
            help = "a rule test is a directory named after a rule code (e.g. `policies/tests/ACME001/`) holding bad_*, ok_* or case_* fixtures",
            "no rule tests under {}",
            dir.display()
        ));
    }
    let text = match format {
        TestFormat::Text => testing::render_text(&run),
        TestFormat::Json => testing::render_json(&run),
    };
    check::write_output(&text, None)?;
    Ok(if run.passed() { 0 } else { 1 })
}

/// Standard input is read for `reclint check -`, and for `--stdin-filename`
/// without paths (as ruff does).
fn stdin_input(args: &CheckArgs) -> miette::Result<Option<StdinInput>> {
    let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
    if dash && args.paths.len() > 1 {
        return Err(miette::miette!(
            code = "reclint::usage",
            help = "lint standard input on its own: `reclint check - --stdin-filename PATH`",
            "`-` (standard input) cannot be combined with other paths"
        ));
    }
    let implied = args.paths.is_empty() && args.stdin_filename.is_some();
    if !dash && !implied {
        if args.stdin_filename.is_some() {
            return Err(miette::miette!(
                code = "reclint::usage",
                help = "add `-` to read the file from standard input",
                "--stdin-filename names standard input, but paths were given"
            ));
        }
        return Ok(None);
    }
    if args.show_config {
        // Nothing is linted: leave standard input alone.
        return Ok(None);
    }
    Ok(Some(StdinInput {
        text: read_stdin(),
        filename: args.stdin_filename.clone(),
    }))
}

/// The built-in rules and the custom rules of the configuration `reclint
/// check` would use here, so that `reclint rule ACME001` explains a policy
/// and `reclint rules` lists it.
fn with_configured_rules(builtin: &Registry) -> miette::Result<Registry> {
    let cwd = std::env::current_dir().map_err(|e| {
        miette::miette!(
            code = "reclint::io",
            "cannot read the current directory: {e}"
        )
    })?;
    let (_, registry) = check::load_config(
        &CheckOptions::default(),
        &cwd,
        &mut crate::source::SourceMap::default(),
        builtin,
    )?;
    Ok(registry)
}

fn run_check(args: CheckArgs, registry: &Registry) -> miette::Result<u8> {
    let cwd = std::env::current_dir().map_err(|e| {
        miette::miette!(
            code = "reclint::io",
            "cannot read the current directory: {e}"
        )
    })?;
    let stdin = stdin_input(&args)?;
    let options = CheckOptions {
        jobs: args.jobs.map(usize::from),
        stdin,
        paths: args.paths,
        config: args.configuration.config,
        no_config: args.configuration.no_config,
        select: args.select,
        extend_select: args.extend_select,
        ignore: args.ignore,
        fail_on: args.fail_on.map(|f| match f {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }),
        jurisdiction: args.jurisdiction,
        sector: args.sector,
        force_exclude: args.force_exclude,
        no_inline_suppressions: args.no_inline_suppressions,
        baseline: args.baseline,
        write_baseline: args.write_baseline,
        prune_baseline: args.prune_baseline,
        rule_dirs: Vec::new(),
        // Only the human report shows source excerpts.
        drop_sources: !matches!(args.format, OutputFormat::Human),
        evidence: matches!(args.format, OutputFormat::Html) && !args.statistics,
        overlay: Default::default(),
    };
    if args.fix || args.diff {
        if options.stdin.is_some() {
            return Err(miette::miette!(
                code = "reclint::usage",
                help = "name the files to fix; `--diff` shows the fixes without writing them",
                "`--fix` and `--diff` do not read standard input"
            ));
        }
        let fixed = match fix::fix(&options, &cwd, registry, args.unsafe_fixes) {
            Ok(fixed) => fixed,
            Err(report) => {
                print_error(&report, colour_for_errors(args.color));
                return Ok(2);
            }
        };
        if args.diff {
            check::write_output(&fixed.diff(), args.output.as_deref())?;
            for note in fixed.notes(false) {
                eprintln!("{note}");
            }
            return Ok(u8::from(!fixed.files.is_empty()));
        }
        fixed.write()?;
        for note in fixed.notes(true) {
            eprintln!("{note}");
        }
    }
    if args.show_config || args.show_files {
        let shown = if args.show_files {
            show_config::render_files(&options, &cwd, registry)
        } else {
            show_config::render(&options, &cwd, registry)
        };
        return match shown {
            Ok(text) => check::write_output(&text, args.output.as_deref()).map(|_| 0),
            Err(report) => {
                print_error(&report, colour_for_errors(args.color));
                Ok(2)
            }
        };
    }
    let colour = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none() && std::io::stdout().is_terminal() && !no_color()
        }
    };
    let run = match check::run(&options, &cwd, registry) {
        Ok(run) => run,
        Err(report) => {
            print_error(&report, colour_for_errors(args.color));
            return Ok(2);
        }
    };
    // Standard input names its one file: excluded by `--force-exclude`, it
    // is skipped on purpose (an editor asked for that).
    if run.outcome.files == 0 && !args.allow_no_files && options.stdin.is_none() {
        print_error(&no_files(&options.paths), colour_for_errors(args.color));
        return Ok(2);
    }
    let (outcome, sources, catalog) = (&run.outcome, &run.sources, &run.registry);
    let text = match args.format {
        _ if args.statistics => Some(statistics(outcome, catalog, args.quiet)),
        OutputFormat::Human => Some(human::render(
            outcome,
            sources,
            catalog,
            &human::HumanOptions {
                color: colour,
                width: output_width(args.output.is_none()),
                quiet: args.quiet,
            },
        )),
        OutputFormat::Concise if args.quiet => Some(concise::render_findings(outcome, catalog)),
        // Written as it is serialised: it can be larger than the tree.
        OutputFormat::Json => None,
        OutputFormat::Concise => Some(concise::render(outcome, sources, catalog)),
        OutputFormat::Sarif => Some(sarif::render(outcome, sources, catalog)),
        OutputFormat::Github => Some(github::render(outcome, sources, catalog)),
        OutputFormat::Gitlab => Some(gitlab::render(outcome, sources, catalog)),
        OutputFormat::Checkstyle => Some(checkstyle::render(outcome, sources, catalog)),
        OutputFormat::Junit => Some(junit::render(outcome, sources, catalog)),
        OutputFormat::Html => Some(html::render(outcome, sources, catalog, &run.evidence)),
    };
    for note in &run.notes {
        eprintln!("{note}");
    }
    match text {
        Some(text) => check::write_output(&text, args.output.as_deref())?,
        None => check::write_output_with(args.output.as_deref(), |out| {
            let jobs = options.jobs.unwrap_or_else(crate::parallel::default_jobs);
            json::write(outcome, sources, catalog, jobs, out)
        })?,
    }
    let status = if !args.exit_zero && run.outcome.fails(run.fail_on) {
        1
    } else {
        0
    };
    // The process ends here: freeing every finding one by one (a third of a
    // second for a large tree's tens of thousands) would only delay the exit.
    std::mem::forget(run);
    Ok(status)
}

/// `reclint graph`: status 0 when drawn, 2 on errors.
fn run_graph(args: GraphArgs, registry: &Registry) -> miette::Result<u8> {
    let cwd = std::env::current_dir().map_err(|e| {
        miette::miette!(
            code = "reclint::io",
            "cannot read the current directory: {e}"
        )
    })?;
    let options = GraphOptions {
        check: CheckOptions {
            paths: args.paths,
            config: args.configuration.config,
            no_config: args.configuration.no_config,
            ..CheckOptions::default()
        },
        draw: crate::report::graph::DrawOptions {
            entry: args.entry,
            expand: args.expand,
            max_steps: args.max_steps.max(1),
        },
        format: match args.format {
            GraphFormatArg::Dot => GraphFormat::Dot,
            GraphFormatArg::Mermaid => GraphFormat::Mermaid,
            GraphFormatArg::Svg => GraphFormat::Svg,
            GraphFormatArg::Json => GraphFormat::Json,
        },
        finding: args.finding,
    };
    let text = graph::run(&options, &cwd, registry)?;
    check::write_output(&text, args.output.as_deref()).map(|_| 0)
}

/// A rule's page: on a terminal, set out to its width and paged when longer
/// than the screen; piped, the Markdown itself.
fn show_rule(page: &str) -> miette::Result<u8> {
    if !std::io::stdout().is_terminal() {
        return check::write_output(page, None).map(|_| 0);
    }
    let bold = !no_color();
    let shown = crate::terminal::markdown(page, output_width(true), bold);
    if !crate::terminal::page(&shown) {
        check::write_output(&shown, None)?;
    }
    Ok(0)
}

/// The width human output wraps to: `COLUMNS`, else the terminal's when
/// writing to one, else 80.
fn output_width(to_stdout: bool) -> usize {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return columns.max(MIN_WIDTH);
    }
    let terminal = to_stdout
        .then(|| terminal_size::terminal_size_of(std::io::stdout()))
        .flatten()
        .map(|(terminal_size::Width(w), _)| usize::from(w));
    terminal.unwrap_or(80).max(MIN_WIDTH)
}

/// Narrower than this, code frames have no room for their text.
const MIN_WIDTH: usize = 40;

fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn colour_for_errors(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stderr().is_terminal() && !no_color(),
    }
}

/// Prints a tool error (usage, configuration, I/O) to standard error.
/// `--statistics`: each rule's count of unsuppressed findings, the most
/// frequent first, then the summary.
fn statistics(
    outcome: &crate::finding::Outcome,
    catalog: &crate::catalog::Catalog,
    quiet: bool,
) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for reported in outcome.active() {
        *counts.entry(reported.finding.rule).or_default() += 1;
    }
    let mut rows: Vec<(&str, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let width = rows.first().map_or(1, |(_, n)| n.to_string().len());
    let mut out = String::new();
    for (code, count) in rows {
        let name = catalog.find(code).map_or("", |rule| rule.name.as_str());
        out.push_str(&format!("{count:>width$}  {code}  {name}\n"));
    }
    if !quiet {
        out.push_str(&human::summary(outcome));
        out.push('\n');
    }
    out
}

/// The error for a run that found nothing to lint.
fn no_files(paths: &[PathBuf]) -> miette::Report {
    let named = if paths.is_empty() {
        "the current directory".to_string()
    } else {
        paths
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kinds = crate::frontend::kind_names().join(", ");
    miette::miette!(
        code = "reclint::no-files",
        help = format!(
            "reclint reads these kinds of file: {kinds}. Check the paths and `[files]` in \
             reclint.toml (`reclint check --show-config`), or pass --allow-no-files to \
             accept a run with nothing to lint"
        ),
        "no files to lint: {named} holds no file reclint reads"
    )
}

fn print_error(report: &miette::Report, colour: bool) {
    let theme = if colour {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(output_width(false))
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace);
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("error: {report}\n");
    }
    eprint!("{out}");
}
